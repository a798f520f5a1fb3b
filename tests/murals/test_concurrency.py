"""Two office workers acting on the same mural at once: the row lock lets exactly one move through
(PostgreSQL only: SQLite has no row locks)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from contests.models import Contest, Entry, Phase
from murals import services
from murals.models import Mural, MuralStatusChange
from tests.contests.factories import ContestFactory, EntryFactory, PhaseFactory
from tests.factories import CentreFactory, StaffFactory
from tests.murals.factories import MuralFactory, WallFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="select_for_update row locks need PostgreSQL; SQLite serialises whole databases"),
]


def run_together(fn, n: int = 2) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def work() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            fn()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_the_same_status_move_twice_at_once_happens_once():
    centre = CentreFactory()
    staff = StaffFactory(centres=[centre])
    mural = MuralFactory(centre=centre, status=Mural.Status.PLANNED)
    outcomes = run_together(lambda: services.change_mural_status(mural=mural, to=Mural.Status.APPROVED, by=staff))
    assert outcomes[-1] == "ok" and outcomes.count("ok") == 1
    assert MuralStatusChange.objects.filter(mural=mural).count() == 1


def test_the_winner_becomes_one_mural_when_two_clicks_arrive_at_once():
    centre = CentreFactory()
    staff = StaffFactory(centres=[centre])
    contest = ContestFactory(centre=centre, kind=Contest.Kind.MURAL_DESIGN)
    PhaseFactory(contest=contest, kind=Phase.Kind.RESULTS)
    WallFactory(centre=centre, contest=contest)
    entry = EntryFactory(contest=contest, status=Entry.Status.WINNER)
    outcomes = run_together(lambda: services.create_mural_from_winner(entry=entry, by=staff))
    assert outcomes == ["This design already has its mural in the register.", "ok"]
    assert Mural.objects.filter(winning_entry=entry).count() == 1
