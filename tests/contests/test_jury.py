"""The commission: one score per juror, entry and criterion; conflicts; who reads scores when; the ranking."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from contests import selectors, services
from contests.models import Entry, Phase, Score
from tests.contests.factories import CriterionFactory, EntryFactory, JuryMemberFactory, PhaseFactory

DAY = timezone.timedelta(days=1)


@pytest.fixture
def review(contest):
    return PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)


@pytest.fixture
def panel(contest, review):
    return JuryMemberFactory(contest=contest), JuryMemberFactory(contest=contest)


@pytest.mark.django_db
class TestScoring:
    def test_juror_scores_an_entry_once_per_criterion(self, contest, panel):
        juror, _other = panel
        entry, criterion = EntryFactory(contest=contest), CriterionFactory(contest=contest)
        services.score_entry(juror=juror, entry=entry, criterion=criterion, value=Decimal("7"))
        with pytest.raises(ValidationError, match="already scored"):
            services.score_entry(juror=juror, entry=entry, criterion=criterion, value=Decimal("9"))
        assert Score.objects.get().value == Decimal("7")

    def test_database_refuses_a_second_score(self, contest, panel):
        juror, _other = panel
        entry, criterion = EntryFactory(contest=contest), CriterionFactory(contest=contest)
        Score.objects.create(juror=juror, entry=entry, criterion=criterion, value=1)
        with pytest.raises(IntegrityError):
            Score.objects.create(juror=juror, entry=entry, criterion=criterion, value=2)

    def test_database_refuses_a_negative_score(self, contest, panel):
        with pytest.raises(IntegrityError):
            Score.objects.create(juror=panel[0], entry=EntryFactory(contest=contest),
                                 criterion=CriterionFactory(contest=contest), value=-1)

    def test_score_above_the_maximum_is_refused(self, contest, panel):
        criterion = CriterionFactory(contest=contest, max_score=5)
        with pytest.raises(ValidationError) as err:
            services.score_entry(juror=panel[0], entry=EntryFactory(contest=contest), criterion=criterion, value=6)
        assert "value" in err.value.message_dict

    def test_scoring_outside_the_review_phase_is_refused(self, contest):
        PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW, starts_at=timezone.now() + DAY,
                     ends_at=timezone.now() + 2 * DAY)
        juror = JuryMemberFactory(contest=contest)
        with pytest.raises(ValidationError, match="review is open"):
            services.score_entry(juror=juror, entry=EntryFactory(contest=contest),
                                 criterion=CriterionFactory(contest=contest), value=1)

    def test_ineligible_entry_is_not_scored(self, contest, panel):
        entry = EntryFactory(contest=contest, status=Entry.Status.INELIGIBLE, ineligible_reason="No greenery")
        with pytest.raises(ValidationError, match="Only eligible"):
            services.score_entry(juror=panel[0], entry=entry, criterion=CriterionFactory(contest=contest), value=1)

    def test_juror_cannot_score_a_declared_entry(self, contest, panel):
        juror, _other = panel
        entry = EntryFactory(contest=contest)
        services.declare_conflict(juror=juror, entry=entry, reason="My sister runs this café.")
        with pytest.raises(ValidationError, match="conflict of interest"):
            services.score_entry(juror=juror, entry=entry, criterion=CriterionFactory(contest=contest), value=3)

    def test_conflict_needs_a_reason_and_is_declared_once(self, contest, panel):
        juror, _other = panel
        entry = EntryFactory(contest=contest)
        with pytest.raises(ValidationError):
            services.declare_conflict(juror=juror, entry=entry, reason="")
        services.declare_conflict(juror=juror, entry=entry, reason="Family")
        with pytest.raises(ValidationError, match="already declared"):
            services.declare_conflict(juror=juror, entry=entry, reason="Family")

    def test_entry_of_another_contest_cannot_be_scored(self, contest, panel):
        other_entry = EntryFactory()
        with pytest.raises(ValidationError, match="not in your contest"):
            services.score_entry(juror=panel[0], entry=other_entry, criterion=CriterionFactory(contest=contest),
                                 value=1)


@pytest.mark.django_db
class TestWhoReadsScores:
    def test_juror_sees_only_own_scores_while_review_is_open(self, contest, panel, staff):
        juror, other = panel
        entry, criterion = EntryFactory(contest=contest), CriterionFactory(contest=contest)
        mine = services.score_entry(juror=juror, entry=entry, criterion=criterion, value=5)
        theirs = services.score_entry(juror=other, entry=entry, criterion=criterion, value=8)
        assert list(selectors.visible_scores(user=juror.user, contest=contest)) == [mine]
        assert set(selectors.visible_scores(user=staff, contest=contest)) == {mine, theirs}

    def test_juror_sees_all_scores_once_the_review_closed(self, contest, panel, review, staff):
        juror, other = panel
        entry, criterion = EntryFactory(contest=contest), CriterionFactory(contest=contest)
        services.score_entry(juror=juror, entry=entry, criterion=criterion, value=5)
        services.score_entry(juror=other, entry=entry, criterion=criterion, value=8)
        services.close_phase_early(phase=review, by=staff)
        assert selectors.visible_scores(user=juror.user, contest=contest).count() == 2

    def test_outsiders_see_no_scores(self, contest, panel, resident, other_staff):
        services.score_entry(juror=panel[0], entry=EntryFactory(contest=contest),
                             criterion=CriterionFactory(contest=contest), value=5)
        assert not selectors.visible_scores(user=resident, contest=contest).exists()
        assert not selectors.visible_scores(user=other_staff, contest=contest).exists()


@pytest.mark.django_db
def test_commission_ranking_is_the_weighted_mean_of_normalised_scores(contest, panel):
    juror, other = panel
    design = CriterionFactory(contest=contest, weight=Decimal("2"), max_score=10)
    greenery = CriterionFactory(contest=contest, weight=Decimal("1"), max_score=5)
    a, b = EntryFactory(contest=contest), EntryFactory(contest=contest)
    for j, (va_design, va_green, vb_design, vb_green) in ((juror, (10, 5, 5, 5)), (other, (8, 4, 6, 0))):
        services.score_entry(juror=j, entry=a, criterion=design, value=va_design)
        services.score_entry(juror=j, entry=a, criterion=greenery, value=va_green)
        services.score_entry(juror=j, entry=b, criterion=design, value=vb_design)
        services.score_entry(juror=j, entry=b, criterion=greenery, value=vb_green)
    ranking = selectors.commission_ranking(contest=contest)
    # a: (2*1.0 + 1*1.0 + 2*0.8 + 1*0.8) / 6 * 100 = 90; b: (2*0.5 + 1*1 + 2*0.6 + 0) / 6 * 100 = 53.33
    assert [(r.entry, r.commission_score) for r in ranking] == [(a, Decimal("90.00")), (b, Decimal("53.33"))]
