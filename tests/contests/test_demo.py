"""The demo: a green-garden contest in its final voting round on 23 November 2026, idempotent."""

from __future__ import annotations

import io

import pytest
import time_machine

from centres import demo as centre_demo
from contests import demo, selectors
from contests.models import Contest, Vote
from tests.contests.factories import approved_garden
from tests.factories import CentreFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def demo_centre():
    """The centre and the accounts the demo relies on (the centre's own demo is the foundation's to test)."""
    centre = CentreFactory(slug="torun", code="TOR")
    StaffFactory(email=centre_demo.DEMO_ACCOUNTS["staff"], centres=[centre])
    UserFactory(email=centre_demo.DEMO_ACCOUNTS["resident"])
    return centre


@time_machine.travel("2026-11-23 10:00 +0100", tick=False)
def test_demo_contest_is_in_its_final_round_today_and_seeding_twice_adds_nothing():
    centre = demo_centre()
    for _ in range(3):
        approved_garden(centre=centre)
    approved_garden(centre=centre, greenery=("planters",))
    demo.seed(centre=centre, stdout=io.StringIO())
    contest = Contest.objects.get(centre=centre, slug=demo.SLUG)
    assert contest.current_phase().kind == "voting"
    final = selectors.open_round(contest)
    assert final.number == 2 and final.ends_at.date().isoformat() > "2026-12-15"
    assert contest.entries.count() == 3  # the garden without three greenery kinds is not a finalist
    rows = selectors.round_result_rows(voting_round=final)
    assert all(r["online_votes"] > 0 and r["paper_votes"] > 0 for r in rows)
    # The office's side of the cycle, through the services: a void, protocol batches with one mistyped batch
    # reversed and re-entered, the first round's protocol reconciled, all in the history.
    first = contest.rounds.get(number=1)
    assert selectors.protocol_problems(first) == []
    assert first.paper_batches.filter(reverses__isnull=False).count() == 1
    kinds = {e.kind for e in selectors.contest_history(contest)}
    assert {"vote_voided", "ballots_entered", "ballots_reversed", "protocol_recorded"} <= kinds
    votes = Vote.objects.count()
    out = io.StringIO()
    demo.seed(centre=centre, stdout=out)
    assert Vote.objects.count() == votes and Contest.objects.count() == 1
    assert "already" in out.getvalue()


def test_demo_skips_without_permitted_gardens():
    centre = demo_centre()
    out = io.StringIO()
    demo.seed(centre=centre, stdout=out)
    assert not Contest.objects.exists() and "skipped" in out.getvalue()
