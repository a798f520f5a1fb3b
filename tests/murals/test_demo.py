"""The demo: a finished 2024 mural contest with its winner in the register, murals with businesses on the
trail, an open contest for the design form; seeding twice adds nothing."""

from __future__ import annotations

import io

import pytest
import time_machine

from centres import demo as centre_demo
from contests import selectors as contest_selectors
from contests.models import Contest, Entry
from murals import demo, selectors
from murals.models import Mural, Wall

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-23 10:00 +0100", tick=False)
def test_demo_seeds_a_finished_contest_murals_and_a_trail_once():
    out = io.StringIO()
    centre = centre_demo.seed(out)
    demo.seed(centre=centre, stdout=out)
    counts = (Mural.objects.count(), Wall.objects.count(), Contest.objects.count(), Entry.objects.count())

    contest = Contest.objects.get(centre=centre, slug=demo.CONTEST_SLUG)
    assert contest.kind == Contest.Kind.MURAL_DESIGN and contest.results_published
    assert contest.current_phase().kind == "results"
    winner = contest.entries.get(status=Entry.Status.WINNER)
    ranking = contest_selectors.final_ranking(contest=contest)
    assert ranking[0].entry == winner  # the commission's ranking agrees with the recorded winner
    # The whole cycle of a result: published, a correction opened with its reason, a conflict recorded,
    # republished; both versions readable, the history says who did what and why.
    versions = contest_selectors.publications(contest)
    assert [p.version for p in versions] == [2, 1] and versions[0].reason.startswith("Konflikt interesów")
    published = contest_selectors.published_results(contest=contest)
    assert published.corrected and published.ranking[0].entry == winner
    kinds = [e.kind for e in contest_selectors.contest_history(contest)]
    assert kinds == ["results_published", "conflict_recorded", "correction_opened", "results_published"]
    mural = Mural.objects.get(winning_entry=winner)
    assert mural.wall.contest == contest
    assert mural.status == Mural.Status.COMPLETED
    assert mural.photos.exists() and mural.artists.exists()

    assert Mural.objects.filter(centre=centre).count() == 7
    assert Mural.objects.filter(sponsors__isnull=False).distinct().count() == 6
    stops = list(selectors.trail(centre_id=centre.pk))
    assert [m.trail_order for m in stops] == [1, 2, 3, 4, 5]
    assert all(m.photos.exists() for m in Mural.objects.all())

    from murals.services import entries_open

    open_wall = Wall.objects.get(contest__slug=demo.OPEN_CONTEST_SLUG)
    assert entries_open(open_wall)

    demo.seed(centre=centre, stdout=out)
    assert (Mural.objects.count(), Wall.objects.count(), Contest.objects.count(), Entry.objects.count()) == counts
