"""The voting-day burst: a fresh round of a bench contest, distinct residents with API tokens, and the count.

Every resident sends one vote; one in twenty sends a second one at the same moment (the next request in the list
goes to the next client process), which the database's one-vote-per-round rule must refuse. Afterwards the
votes recorded are counted: exactly one per resident, none lost, none doubled.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

SECOND_TRY_EVERY = 20


@transaction.atomic
def prepare_round(*, centre, voters: int, rnd: random.Random) -> dict:
    from rest_framework.authtoken.models import Token

    from centres.models import User
    from contests.models import Contest, Entry, RoundEntry, VotingRound

    now = timezone.now()
    stamp = f"{now:%Y%m%d%H%M%S}"
    contest = Contest.objects.create(centre=centre, kind=Contest.Kind.OTHER, slug=f"bench-vote-{stamp}",
                                     year=timezone.localdate().year, title_pl=f"Głosowanie {stamp}",
                                     title_en=f"Vote {stamp}", ranking_method=Contest.RankingMethod.PUBLIC)
    voting_round = VotingRound.objects.create(contest=contest, number=1, name="Bench",
                                              starts_at=now - dt.timedelta(hours=1),
                                              ends_at=now + dt.timedelta(days=1),
                                              eligibility=VotingRound.Eligibility.VERIFIED_EMAIL)
    user_ids = list(User.objects.filter(email__startswith="resident-", email__endswith="@bench.invalid")
                    .order_by("?").values_list("pk", flat=True)[:voters])
    author = user_ids[0]
    entries = [Entry.objects.create(contest=contest, submitted_by_id=author, title=f"Projekt {n}",
                                    description="Bench entry.", status=Entry.Status.ELIGIBLE) for n in range(1, 6)]
    RoundEntry.objects.bulk_create([RoundEntry(round=voting_round, entry=e) for e in entries])
    User.objects.filter(pk__in=user_ids, email_verified_at__isnull=True).update(email_verified_at=now)
    Token.objects.filter(user_id__in=user_ids).delete()
    tokens = Token.objects.bulk_create([Token(user_id=pk, key=Token.generate_key()) for pk in user_ids])
    requests: list[tuple[str, int]] = []
    seconds = 0
    for n, token in enumerate(tokens):
        requests.append((token.key, rnd.choice(entries).pk))
        if n % SECOND_TRY_EVERY == SECOND_TRY_EVERY - 1:
            requests.append((token.key, rnd.choice(entries).pk))  # the same resident, at the same moment
            seconds += 1
    return {"round": voting_round.pk, "requests": requests, "residents": len(tokens), "second_tries": seconds}


def count(voting: dict, result: dict) -> dict:
    from django.db.models import Count

    from contests.models import Vote

    votes = Vote.objects.filter(round_id=voting["round"])
    recorded = votes.count()
    per_voter = votes.values("voter_id").annotate(n=Count("pk"))
    doubled = sum(1 for row in per_voter if row["n"] > 1)
    distinct = len(per_voter)
    statuses = {int(k): v for k, v in result.get("statuses", {}).items()}
    accepted = statuses.get(201, 0)
    refused = statuses.get(400, 0)
    lost = voting["residents"] - distinct
    ok = (recorded == distinct == voting["residents"] == accepted and refused == voting["second_tries"]
          and doubled == 0 and not result.get("errors") and result.get("requests") == len(voting["requests"]))
    return {"residents": voting["residents"], "second_tries": voting["second_tries"], "recorded": recorded,
            "accepted": accepted, "refused_second": refused, "lost": lost, "doubled": doubled,
            "client_errors": result.get("errors", 0), "ok": ok}
