"""Public voting: one vote per voter per round, dates, eligibility, paper ballots, voiding, results, ranking."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from contests import selectors, services
from contests.models import Contest, Entry, Phase, RoundEntry, Vote, VotingRound
from tests.contests.factories import (
    ContestFactory,
    CriterionFactory,
    EntryFactory,
    JuryMemberFactory,
    PaperBallotBatchFactory,
    PhaseFactory,
    VoteFactory,
    VotingRoundFactory,
    round_with_entries,
)
from tests.factories import CentreFactory, StaffFactory, UserFactory

DAY = timezone.timedelta(days=1)


def _re(voting_round, entry) -> RoundEntry:
    return RoundEntry.objects.get(round=voting_round, entry=entry)


@pytest.mark.django_db
class TestCastingVotes:
    def test_verified_resident_votes_once(self, contest, resident):
        voting_round, (a, _b, _c) = round_with_entries(contest)
        vote = services.cast_vote(voting_round=voting_round, entry=a, voter=resident)
        assert (vote.round, vote.entry, vote.voter) == (voting_round, a, resident)

    def test_second_vote_in_the_round_is_refused(self, contest, resident):
        voting_round, (a, b, _c) = round_with_entries(contest)
        services.cast_vote(voting_round=voting_round, entry=a, voter=resident)
        with pytest.raises(ValidationError, match="already voted in this round"):
            services.cast_vote(voting_round=voting_round, entry=b, voter=resident)
        assert Vote.objects.count() == 1

    def test_a_voided_vote_still_blocks_a_second_vote(self, contest, resident, staff):
        voting_round, (a, b, _c) = round_with_entries(contest)
        vote = services.cast_vote(voting_round=voting_round, entry=a, voter=resident)
        services.void_vote(vote=vote, by=staff, reason="Bought vote")
        with pytest.raises(ValidationError, match="already voted"):
            services.cast_vote(voting_round=voting_round, entry=b, voter=resident)

    def test_one_vote_in_each_round(self, contest, resident):
        first, (a, _b, _c) = round_with_entries(contest, number=1)
        final = VotingRoundFactory(contest=contest, number=2)
        RoundEntry.objects.create(round=final, entry=a)
        services.cast_vote(voting_round=first, entry=a, voter=resident)
        services.cast_vote(voting_round=final, entry=a, voter=resident)
        assert Vote.objects.filter(voter=resident).count() == 2

    def test_vote_before_the_round_is_refused(self, contest, resident):
        voting_round, (a, *_rest) = round_with_entries(contest, starts_at=timezone.now() + DAY,
                                                       ends_at=timezone.now() + 2 * DAY)
        with pytest.raises(ValidationError, match="not open"):
            services.cast_vote(voting_round=voting_round, entry=a, voter=resident)

    def test_vote_after_the_round_is_refused(self, contest, resident):
        voting_round, (a, *_rest) = round_with_entries(contest, starts_at=timezone.now() - 3 * DAY,
                                                       ends_at=timezone.now() - DAY)
        with pytest.raises(ValidationError, match="not open"):
            services.cast_vote(voting_round=voting_round, entry=a, voter=resident)

    def test_vote_for_an_entry_not_in_the_round_is_refused(self, contest, resident):
        voting_round, _entries = round_with_entries(contest)
        outsider_entry = EntryFactory(contest=contest)
        with pytest.raises(ValidationError) as err:
            services.cast_vote(voting_round=voting_round, entry=outsider_entry, voter=resident)
        assert "entry" in err.value.message_dict

    def test_unverified_email_is_refused(self, contest):
        voting_round, (a, *_rest) = round_with_entries(contest)
        with pytest.raises(ValidationError, match="Confirm your e-mail"):
            services.cast_vote(voting_round=voting_round, entry=a, voter=UserFactory(email_verified_at=None))

    def test_non_cardholder_is_refused_where_the_round_requires_a_card(self, contest, resident, cardholders):
        voting_round, (a, *_rest) = round_with_entries(contest, eligibility=VotingRound.Eligibility.CARDHOLDER)
        with pytest.raises(ValidationError, match="cardholders only"):
            services.cast_vote(voting_round=voting_round, entry=a, voter=resident)
        cardholders.add(resident.pk)
        assert services.cast_vote(voting_round=voting_round, entry=a, voter=resident).pk

    def test_database_refuses_a_second_vote(self, contest, resident):
        voting_round, (a, b, _c) = round_with_entries(contest)
        Vote.objects.create(round=voting_round, entry=a, voter=resident, round_entry=_re(voting_round, a))
        with pytest.raises(IntegrityError):
            Vote.objects.create(round=voting_round, entry=b, voter=resident, round_entry=_re(voting_round, b))

    def test_anonymous_votes_of_erased_voters_do_not_clash(self, contest):
        voting_round, (a, *_rest) = round_with_entries(contest)
        Vote.objects.create(round=voting_round, entry=a, voter=None, round_entry=_re(voting_round, a))
        Vote.objects.create(round=voting_round, entry=a, voter=None, round_entry=_re(voting_round, a))
        assert voting_round.votes.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking and concurrent inserts need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_votes_arriving_at_once_count_once():
    centre = CentreFactory()
    contest = ContestFactory(centre=centre)
    voting_round, (a, b, _c) = round_with_entries(contest)
    voter = UserFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def vote(entry: Entry) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.cast_vote(voting_round=voting_round, entry=entry, voter=voter)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=vote, args=(e,)) for e in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["You have already voted in this round.", "ok"]
    assert Vote.objects.filter(round=voting_round, voter=voter).count() == 1


@pytest.mark.django_db
class TestPaperBallotsAndVoiding:
    def test_paper_ballots_are_counted_in_the_results(self, contest, staff):
        voting_round, (a, b, _c) = round_with_entries(contest)
        VoteFactory(round=voting_round, entry=a)
        services.add_paper_ballots(voting_round=voting_round, entry=b, place="IT Rynek Staromiejski 25", count=30,
                                   by=staff, protocol_number="IT/1", counted_by="Anna")
        services.add_paper_ballots(voting_round=voting_round, entry=a, place="Dwór Artusa", count=5, by=staff,
                                   protocol_number="DA/1", counted_by="Anna")
        rows = {r["entry"]: r for r in selectors.round_result_rows(voting_round=voting_round)}
        assert (rows[b]["online_votes"], rows[b]["paper_votes"], rows[b]["total_votes"]) == (0, 30, 30)
        assert (rows[a]["online_votes"], rows[a]["paper_votes"], rows[a]["total_votes"]) == (1, 5, 6)
        assert rows[b]["percent"] == Decimal("83.33") and rows[a]["percent"] == Decimal("16.67")
        assert rows[b]["rank"] == 1

    def test_paper_ballots_need_staff_of_the_centre_and_a_round_entry(self, contest, resident, other_staff, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        for user in (resident, other_staff):
            with pytest.raises(PermissionDenied):
                services.add_paper_ballots(voting_round=voting_round, entry=a, place="X", count=3, by=user)
        with pytest.raises(ValidationError) as err:
            services.add_paper_ballots(voting_round=voting_round, entry=EntryFactory(contest=contest), place="",
                                       count=0, by=staff)
        assert set(err.value.message_dict) == {"entry", "place", "count", "protocol_number", "counted_by"}

    def test_voided_vote_leaves_the_results_and_stays_visible_to_staff(self, contest, staff):
        voting_round, (a, b, _c) = round_with_entries(contest)
        bad = VoteFactory(round=voting_round, entry=a)
        VoteFactory(round=voting_round, entry=b)
        services.void_vote(vote=bad, by=staff, reason="Duplicate account")
        rows = {r["entry"]: r for r in selectors.round_result_rows(voting_round=voting_round)}
        assert rows[a]["online_votes"] == 0 and rows[b]["percent"] == Decimal("100.00")
        assert bad in selectors.votes_for_user(staff)
        bad.refresh_from_db()
        assert (bad.voided_by, bad.void_reason) == (staff, "Duplicate account")

    def test_voiding_needs_a_reason_staff_of_the_centre_and_happens_once(self, contest, staff, other_staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        vote = VoteFactory(round=voting_round, entry=a)
        with pytest.raises(PermissionDenied):
            services.void_vote(vote=vote, by=other_staff, reason="x")
        with pytest.raises(ValidationError):
            services.void_vote(vote=vote, by=staff, reason="")
        services.void_vote(vote=vote, by=staff, reason="x")
        with pytest.raises(ValidationError, match="already void"):
            services.void_vote(vote=vote, by=staff, reason="x")


@pytest.mark.django_db
class TestRoundsAndRanking:
    def test_final_round_is_filled_with_the_top_of_the_previous_round(self, contest, staff):
        first, entries = round_with_entries(contest, n=4, number=1, starts_at=timezone.now() - 3 * DAY,
                                            ends_at=timezone.now() - 2 * DAY)
        for n, entry in enumerate(entries):
            PaperBallotBatchFactory(round=first, entry=entry, count=n + 1)
        final = VotingRoundFactory(contest=contest, number=2, starts_at=timezone.now() + DAY,
                                   ends_at=timezone.now() + 2 * DAY)
        services.fill_round(voting_round=final, by=staff, top=2)
        assert set(final.entries.all()) == {entries[3], entries[2]}

    def test_started_round_keeps_its_entries(self, contest, staff):
        voting_round, _entries = round_with_entries(contest)
        with pytest.raises(ValidationError, match="started"):
            services.add_round_entries(voting_round=voting_round, entries=[EntryFactory(contest=contest)], by=staff)

    def test_first_round_is_filled_from_the_shortlist(self, contest, staff):
        shortlisted = EntryFactory(contest=contest, status=Entry.Status.SHORTLISTED)
        EntryFactory(contest=contest, status=Entry.Status.ELIGIBLE)
        voting_round = VotingRoundFactory(contest=contest, number=1, starts_at=timezone.now() + DAY,
                                          ends_at=timezone.now() + 2 * DAY)
        services.fill_round(voting_round=voting_round, by=staff)
        assert list(voting_round.entries.all()) == [shortlisted]

    def test_public_ranking_follows_the_final_round_and_ties_go_to_the_commission(self, contest):
        PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
        voting_round, (a, b, c) = round_with_entries(contest)
        for entry, n in ((a, 2), (b, 2), (c, 1)):
            PaperBallotBatchFactory(round=voting_round, entry=entry, count=n)
        juror, criterion = JuryMemberFactory(contest=contest), CriterionFactory(contest=contest)
        services.score_entry(juror=juror, entry=a, criterion=criterion, value=4)
        services.score_entry(juror=juror, entry=b, criterion=criterion, value=9)
        ranking = selectors.final_ranking(contest=contest)
        assert [(r.rank, r.entry) for r in ranking] == [(1, b), (2, a), (3, c)]

    def test_equal_everything_goes_to_the_earlier_submission(self, contest):
        _round, (a, b, _c) = round_with_entries(contest, n=3)
        Entry.objects.filter(pk=a.pk).update(created_at=timezone.now())
        Entry.objects.filter(pk=b.pk).update(created_at=timezone.now() - DAY)
        ranking = selectors.final_ranking(contest=contest)
        assert ranking[0].entry == b

    def test_weighted_ranking_mixes_public_points_and_commission_score(self, centre):
        contest = ContestFactory(centre=centre, ranking_method=Contest.RankingMethod.WEIGHTED, public_weight=40)
        PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
        voting_round, (a, b) = round_with_entries(contest, n=2)
        PaperBallotBatchFactory(round=voting_round, entry=a, count=10)
        PaperBallotBatchFactory(round=voting_round, entry=b, count=5)
        juror, criterion = JuryMemberFactory(contest=contest), CriterionFactory(contest=contest, max_score=10)
        services.score_entry(juror=juror, entry=a, criterion=criterion, value=5)
        services.score_entry(juror=juror, entry=b, criterion=criterion, value=10)
        ranking = {r.entry: r for r in selectors.final_ranking(contest=contest)}
        # a: 0.4*100 + 0.6*50 = 70; b: 0.4*50 + 0.6*100 = 80
        assert ranking[a].final_score == Decimal("70.00") and ranking[b].final_score == Decimal("80.00")
        assert ranking[b].rank == 1

    def test_commission_only_ranking_needs_no_round(self, centre):
        contest = ContestFactory(centre=centre, ranking_method=Contest.RankingMethod.COMMISSION)
        PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
        a, b = EntryFactory(contest=contest), EntryFactory(contest=contest)
        juror, criterion = JuryMemberFactory(contest=contest), CriterionFactory(contest=contest)
        services.score_entry(juror=juror, entry=a, criterion=criterion, value=3)
        services.score_entry(juror=juror, entry=b, criterion=criterion, value=6)
        assert [r.entry for r in selectors.final_ranking(contest=contest)] == [b, a]


@pytest.mark.django_db
class TestPublishing:
    def test_staff_publish_once_after_the_rounds_ended(self, contest, staff):
        voting_round = VotingRoundFactory(contest=contest)
        with pytest.raises(ValidationError, match="not ended"):
            services.publish_results(contest=contest, by=staff)
        VotingRound.objects.filter(pk=voting_round.pk).update(ends_at=timezone.now() - timezone.timedelta(hours=1))
        services.publish_results(contest=contest, by=staff)
        contest.refresh_from_db()
        assert contest.results_published_by == staff
        with pytest.raises(ValidationError, match="already published"):
            services.publish_results(contest=contest, by=staff)

    def test_only_staff_of_the_centre_publish(self, contest, resident):
        for user in (resident, StaffFactory(centres=[CentreFactory()])):
            with pytest.raises(PermissionDenied):
                services.publish_results(contest=contest, by=user)

    def test_results_are_public_only_once_published(self, contest, resident, staff):
        assert not selectors.results_visible(contest=contest, user=resident)
        assert selectors.results_visible(contest=contest, user=staff)
        Contest.objects.filter(pk=contest.pk).update(results_published_at=timezone.now())
        contest.refresh_from_db()
        assert selectors.results_visible(contest=contest, user=resident)


@pytest.mark.django_db
def test_cardholder_round_uses_the_loyalty_apps_active_cards(contest, resident):
    """Without a stand-in: a real active Moja Starówka card of the contest's centre lets the holder vote."""
    from tests.loyalty.factories import CardFactory

    voting_round, (a, *_rest) = round_with_entries(contest, eligibility=VotingRound.Eligibility.CARDHOLDER)
    with pytest.raises(ValidationError, match="cardholders only"):
        services.cast_vote(voting_round=voting_round, entry=a, voter=resident)
    CardFactory(holder=resident, centre=contest.centre)
    assert services.cast_vote(voting_round=voting_round, entry=a, voter=resident).voter == resident
