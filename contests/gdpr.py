"""Personal data of the contests: a person's entries, nominations, votes and jury scores.

On erasure votes and nominations stay, anonymous (the person is set to NULL), so results and nomination counts
do not change; the unique constraints treat NULLs as distinct, so anonymous votes never clash.
"""

from __future__ import annotations

from typing import Any

from .models import Entry, Nomination, Score, Vote


def export(user) -> dict[str, Any]:
    return {
        "entries": [{"contest": e.contest.title, "title": e.title, "description": e.description,
                     "status": e.status, "submitted_at": e.created_at.isoformat()}
                    for e in Entry.objects.filter(submitted_by=user).select_related("contest")],
        "nominations": [{"contest": n.entry.contest.title, "entry": n.entry.title, "relation": n.relation,
                         "reason": n.reason, "nominated_at": n.created_at.isoformat()}
                        for n in Nomination.objects.filter(user=user).select_related("entry__contest")],
        "votes": [{"contest": v.round.contest.title, "round": v.round.label, "entry": v.entry.title,
                   "cast_at": v.created_at.isoformat(), "voided": v.voided_at is not None}
                  for v in Vote.objects.filter(voter=user).select_related("round__contest", "entry")],
        "jury_scores": [{"contest": s.entry.contest.title, "entry": s.entry.title, "criterion": s.criterion.name,
                         "value": str(s.value), "comment": s.comment}
                        for s in Score.objects.filter(juror__user=user).select_related("entry__contest",
                                                                                        "criterion")],
    }


def erase(user) -> None:
    """Votes and nominations stay, anonymous; jury seats and scores stay (the commission's record, decided in
    the juror's official role), the person behind them is anonymised by the account's own erasure."""
    Vote.objects.filter(voter=user).update(voter=None)
    Nomination.objects.filter(user=user).update(user=None, reason="")
    Entry.objects.filter(submitted_by=user).update(submitted_by=None)
