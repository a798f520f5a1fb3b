"""Results a city can publish (issue 12): each test names a way today's engine let a result be wrong.

Eligible entries only (service and database), rules frozen by the first vote (service, admin, API), results
frozen by publication (a snapshot; a correction is a republication that keeps the old version), paper ballots in
protocol batches (no batch twice, reversing batches, reconciled with the protocol), a jury without conflicts and
with complete scores, and the audit trail.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centres.models import BusinessMembership
from contests import selectors, services
from contests.models import (
    Contest,
    ContestEvent,
    Entry,
    PaperBallotBatch,
    Phase,
    ResultPublication,
    RoundEntry,
    Score,
    Vote,
    VotingRound,
)
from tests.conftest import client_for
from tests.contests.factories import (
    ContestFactory,
    CriterionFactory,
    EntryFactory,
    JuryMemberFactory,
    PhaseFactory,
    VoteFactory,
    approved_garden,
    round_with_entries,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


def end_round(voting_round: VotingRound) -> None:
    now = timezone.now()
    VotingRound.objects.filter(pk=voting_round.pk).update(starts_at=now - 3 * DAY, ends_at=now - dt.timedelta(
        minutes=1))
    voting_round.refresh_from_db()


def ballots(voting_round, entry, staff, number, count, **kwargs):
    return services.add_paper_ballots(voting_round=voting_round, entry=entry, place="IT Rynek Staromiejski 25",
                                      count=count, by=staff, protocol_number=number, counted_by="Anna", **kwargs)


# --- An entry moved to ineligible can still be voted for, and the final ranking showed it first ----------------

class TestEligibility:
    def test_an_ineligible_entry_refuses_votes(self, contest, staff):
        voting_round, (a, _b, _c) = round_with_entries(contest)
        services.set_entry_status(entry=a, to=Entry.Status.INELIGIBLE, by=staff, reason="Kopia cudzego projektu")
        with pytest.raises(ValidationError) as err:
            services.cast_vote(voting_round=voting_round, entry=a, voter=UserFactory())
        assert codes(err.value) == {"entry_not_eligible"}
        assert not Vote.objects.exists()

    def test_an_ineligible_entry_keeps_its_votes_but_leaves_the_ranking_with_the_reason(self, contest, staff):
        voting_round, (a, b, _c) = round_with_entries(contest)
        for _ in range(3):
            VoteFactory(round=voting_round, entry=a)
        VoteFactory(round=voting_round, entry=b)
        services.set_entry_status(entry=a, to=Entry.Status.INELIGIBLE, by=staff, reason="Kopia cudzego projektu")
        assert Vote.objects.filter(entry=a).count() == 3, "votes stay recorded"
        block = selectors.round_block(voting_round)
        assert block.ranked[0].entry_id == b.pk
        assert [(r.entry_id, r.out_reason, r.total_votes) for r in block.out] == [
            (a.pk, "Kopia cudzego projektu", 3)]
        assert selectors.final_ranking(contest=contest)[0].entry == b
        assert a not in [row.entry for row in selectors.final_ranking(contest=contest)]
        assert ContestEvent.objects.filter(kind=ContestEvent.Kind.ENTRY_WITHDRAWN, note="Kopia cudzego projektu")

    def test_a_garden_whose_permit_is_revoked_refuses_votes_and_leaves_the_ranking(self, centre, staff):
        contest = ContestFactory(centre=centre, kind=Contest.Kind.GREEN_GARDEN, year=2026)
        gardens = [approved_garden(centre=centre) for _ in range(2)]
        voting_round, _ = round_with_entries(contest, n=0)
        entries = [EntryFactory(contest=contest, garden=g) for g in gardens]
        for entry in entries:
            RoundEntry.objects.create(round=voting_round, entry=entry)
            VoteFactory(round=voting_round, entry=entry)
        gardens[0].status = "revoked"
        gardens[0].save(update_fields=["status"])
        with pytest.raises(ValidationError) as err:
            services.cast_vote(voting_round=voting_round, entry=entries[0], voter=UserFactory())
        assert codes(err.value) == {"entry_not_eligible"}
        out = selectors.round_block(voting_round).out
        assert [(r.entry_id, r.out_reason) for r in out] == [(entries[0].pk, "The garden's permit is no longer valid.")]

    def test_staff_see_why_an_entry_is_out_of_the_ranking_the_public_does_not(self, contest, staff, resident):
        voting_round, (a, b, _c) = round_with_entries(contest)
        VoteFactory(round=voting_round, entry=a)
        VoteFactory(round=voting_round, entry=b)
        services.set_entry_status(entry=a, to=Entry.Status.INELIGIBLE, by=staff, reason="Zgłoszenie po terminie")
        end_round(voting_round)
        html = client_for_page(staff).get(reverse("contests:results", args=[contest.pk])).content.decode()
        assert "Zgłoszenie po terminie" in html
        services.publish_results(contest=contest, by=staff)
        public = Client().get(reverse("contests:results", args=[contest.pk])).content.decode()
        assert "Zgłoszenie po terminie" not in public and b.title in public

    def test_the_database_refuses_a_vote_for_an_entry_outside_its_round(self, contest, resident):
        voting_round, (_a, *_rest) = round_with_entries(contest)
        stranger = EntryFactory(contest=contest)
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(round=voting_round, entry=stranger, voter=resident, round_entry=None)

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the composite foreign key is PostgreSQL's")
    def test_the_database_keeps_a_votes_round_and_entry_equal_to_its_round_entry(self, contest, resident):
        voting_round, (a, b, _c) = round_with_entries(contest)
        round_entry_of_a = RoundEntry.objects.get(round=voting_round, entry=a)
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(round=voting_round, entry=b, voter=resident, round_entry=round_entry_of_a)
            connection.check_constraints()

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the composite foreign key is PostgreSQL's")
    def test_the_one_composite_key_also_refuses_a_round_entry_that_does_not_exist(self, contest, resident):
        # Round, entry and round entry have no constraint each (one key-share lock per vote less on voting day).
        voting_round, (a, *_rest) = round_with_entries(contest)
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(round=voting_round, entry=a, voter=resident, round_entry_id=2**31 - 1)
            connection.check_constraints()


def client_for_page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Dates and eligibility of a running round stay editable while votes come in --------------------------------

class TestFrozenRules:
    def test_a_round_with_a_vote_refuses_a_change_of_eligibility(self, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        VoteFactory(round=voting_round, entry=a)
        with pytest.raises(ValidationError) as err:
            services.update_round(voting_round=voting_round, by=staff,
                                  eligibility=VotingRound.Eligibility.CARDHOLDER)
        assert codes(err.value) == {"round_frozen"}
        voting_round.refresh_from_db()
        assert voting_round.eligibility == VotingRound.Eligibility.VERIFIED_EMAIL

    def test_a_round_with_a_vote_may_only_extend_its_end_before_it_passes(self, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        VoteFactory(round=voting_round, entry=a)
        later = voting_round.ends_at + DAY
        services.update_round(voting_round=voting_round, by=staff, ends_at=later)
        with pytest.raises(ValidationError) as err:
            services.update_round(voting_round=voting_round, by=staff, ends_at=later - 2 * DAY)
        assert codes(err.value) == {"round_frozen"}
        with pytest.raises(ValidationError):
            services.update_round(voting_round=voting_round, by=staff, starts_at=voting_round.starts_at - DAY)
        services.update_round(voting_round=voting_round, by=staff, name="Finał")  # the name is no rule

    def test_a_round_without_votes_may_change(self, contest, staff):
        voting_round, _ = round_with_entries(contest)
        services.update_round(voting_round=voting_round, by=staff, eligibility=VotingRound.Eligibility.CARDHOLDER)
        voting_round.refresh_from_db()
        assert voting_round.eligibility == VotingRound.Eligibility.CARDHOLDER

    def test_the_api_refuses_a_change_of_eligibility_once_voted(self, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        url = f"/api/v1/contests/rounds/{voting_round.pk}/"
        VoteFactory(round=voting_round, entry=a)
        response = client_for(staff).patch(url, {"eligibility": "cardholder"}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "round_frozen"
        assert response.json()["errors"][0]["attr"] == "eligibility"
        assert client_for(UserFactory()).patch(url, {"name": "X"}, format="json").status_code == 403

    def test_the_admin_shows_frozen_rules_read_only_and_says_why(self, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        VoteFactory(round=voting_round, entry=a)
        office = client_for_page(staff)
        url = reverse("admin:contests_votinground_change", args=[voting_round.pk])
        html = office.get(url).content.decode()
        assert "its rules are frozen" in html
        assert 'name="eligibility"' not in html and 'name="starts_at_0"' not in html
        office.post(url, {"number": voting_round.number, "name": "X", "eligibility": "cardholder",
                          "ends_at_0": voting_round.ends_at.date(), "ends_at_1": "23:00",
                          "round_entries-TOTAL_FORMS": 0, "round_entries-INITIAL_FORMS": 0})
        voting_round.refresh_from_db()
        assert voting_round.eligibility == VotingRound.Eligibility.VERIFIED_EMAIL

    def test_the_admin_refuses_a_change_of_eligibility_before_the_first_vote_only_if_frozen(self, contest, staff):
        """Without a vote the admin's change goes through the same service and is accepted."""
        now = timezone.now()
        voting_round, _ = round_with_entries(contest, starts_at=now + DAY, ends_at=now + 3 * DAY)
        office = client_for_page(staff)
        url = reverse("admin:contests_votinground_change", args=[voting_round.pk])
        local = timezone.localtime
        response = office.post(url, {
            "contest": contest.pk, "number": voting_round.number, "name": "", "eligibility": "cardholder",
            "starts_at_0": local(voting_round.starts_at).date(), "starts_at_1": local(voting_round.starts_at).time(),
            "ends_at_0": local(voting_round.ends_at).date(), "ends_at_1": local(voting_round.ends_at).time(),
            "eligible_voters": "", "round_entries-TOTAL_FORMS": 0, "round_entries-INITIAL_FORMS": 0})
        assert response.status_code == 302, response.content.decode()[:2000]
        voting_round.refresh_from_db()
        assert voting_round.eligibility == VotingRound.Eligibility.CARDHOLDER
        assert ContestEvent.objects.filter(kind=ContestEvent.Kind.ROUND_CHANGED, by=staff).exists()

    def test_the_round_entry_inline_refuses_an_entry_of_another_contest(self, centre, contest, staff):
        now = timezone.now()
        voting_round, _ = round_with_entries(contest, n=0, starts_at=now + DAY, ends_at=now + 3 * DAY)
        mural_2024 = EntryFactory(contest=ContestFactory(centre=centre, kind=Contest.Kind.MURAL_DESIGN, year=2024))
        office = client_for_page(staff)
        url = reverse("admin:contests_votinground_change", args=[voting_round.pk])
        local = timezone.localtime
        response = office.post(url, {
            "contest": contest.pk, "number": voting_round.number, "name": "", "eligibility": "verified_email",
            "starts_at_0": local(voting_round.starts_at).date(), "starts_at_1": local(voting_round.starts_at).time(),
            "ends_at_0": local(voting_round.ends_at).date(), "ends_at_1": local(voting_round.ends_at).time(),
            "eligible_voters": "", "round_entries-TOTAL_FORMS": 1, "round_entries-INITIAL_FORMS": 0,
            "round_entries-0-entry": mural_2024.pk, "round_entries-0-round": voting_round.pk})
        assert response.status_code == 200
        assert not RoundEntry.objects.filter(round=voting_round).exists()
        own = EntryFactory(contest=contest)
        office.post(url, {
            "contest": contest.pk, "number": voting_round.number, "name": "", "eligibility": "verified_email",
            "starts_at_0": local(voting_round.starts_at).date(), "starts_at_1": local(voting_round.starts_at).time(),
            "ends_at_0": local(voting_round.ends_at).date(), "ends_at_1": local(voting_round.ends_at).time(),
            "eligible_voters": "", "round_entries-TOTAL_FORMS": 1, "round_entries-INITIAL_FORMS": 0,
            "round_entries-0-entry": own.pk, "round_entries-0-round": voting_round.pk})
        assert list(RoundEntry.objects.filter(round=voting_round).values_list("entry", flat=True)) == [own.pk]

    def test_the_entry_list_of_a_round_with_a_vote_cannot_change(self, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        VoteFactory(round=voting_round, entry=a)
        with pytest.raises(ValidationError) as err:
            services.add_round_entries(voting_round=voting_round, entries=[EntryFactory(contest=contest)], by=staff)
        assert codes(err.value) == {"round_frozen"}


# --- Voting a vote after publication silently changes the published figures (261 → 260) ---------------------

@pytest.fixture
def published(contest, staff):
    voting_round, (a, b, _c) = round_with_entries(contest)
    votes = [VoteFactory(round=voting_round, entry=a) for _ in range(3)] + [VoteFactory(round=voting_round, entry=b)]
    end_round(voting_round)
    services.publish_results(contest=contest, by=staff)
    return voting_round, a, b, votes


class TestFrozenResults:
    def test_voiding_after_publication_is_refused(self, contest, staff, published):
        _round, _a, _b, votes = published
        with pytest.raises(ValidationError) as err:
            services.void_vote(vote=votes[0], by=staff, reason="Duplicate account")
        assert codes(err.value) == {"results_published"}
        assert not Vote.objects.filter(voided_at__isnull=False).exists()

    def test_no_ballot_batch_after_publication(self, contest, staff, published):
        voting_round, a, _b, _votes = published
        with pytest.raises(ValidationError) as err:
            ballots(voting_round, a, staff, "late/1", 5)
        assert "results_published" in codes(err.value)

    def test_the_published_page_reads_the_snapshot(self, contest, staff, published):
        _voting_round, a, _b, votes = published
        Vote.objects.filter(pk=votes[0].pk).update(voided_at=timezone.now(), void_reason="behind the service")
        results = selectors.published_results(contest=contest)
        assert {r.entry_id: r.web_votes for r in results.rounds[0].ranked}[a.pk] == 3

    def test_a_republication_keeps_the_old_version_and_the_page_says_corrected(self, contest, staff, published):
        _voting_round, a, _b, votes = published
        with pytest.raises(ValidationError):
            services.publish_results(contest=contest, by=staff, reason="again")  # no correction open
        services.open_correction(contest=contest, by=staff, reason="Two votes from one duplicated account")
        services.void_vote(vote=votes[0], by=staff, reason="Duplicate account")
        assert selectors.published_results(contest=contest).publication.version == 1, "still shows version 1"
        second = services.publish_results(contest=contest, by=staff)
        assert second.version == 2 and second.reason == "Two votes from one duplicated account"
        old = selectors.published_results(contest=contest, version=1)
        new = selectors.published_results(contest=contest)
        assert {r.entry_id: r.web_votes for r in old.rounds[0].ranked}[a.pk] == 3
        assert {r.entry_id: r.web_votes for r in new.rounds[0].ranked}[a.pk] == 2
        html = Client().get(reverse("contests:results", args=[contest.pk])).content.decode()
        assert "Corrected on" in html and "Two votes from one duplicated account" in html and "?version=1" in html
        old_html = Client().get(reverse("contests:results", args=[contest.pk]) + "?version=1").content.decode()
        assert "they were corrected later" in old_html
        kinds = list(ContestEvent.objects.filter(contest=contest).order_by("pk").values_list("kind", flat=True))
        assert kinds == ["results_published", "correction_opened", "vote_voided", "results_published"]

    def test_a_correction_needs_a_reason(self, contest, staff, published):
        with pytest.raises(ValidationError) as err:
            services.open_correction(contest=contest, by=staff, reason=" ")
        assert codes(err.value) == {"note_required"}

    def test_the_database_refuses_a_republication_without_reason(self, contest, staff, published):
        with pytest.raises(IntegrityError), transaction.atomic():
            ResultPublication.objects.create(contest=contest, version=2, ranking_method="public",
                                             counting_rule="x", tie_rule="y")

    def test_open_data_csv_and_json_of_the_snapshot(self, contest, staff, published):
        _round, a, _b, _votes = published
        csv = Client().get(reverse("contests:results-csv", args=[contest.pk]))
        assert csv["Content-Type"].startswith("text/csv")
        text = csv.content.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("contest;version;published_at;round;rank;entry_id")
        assert a.title in text
        data = json.loads(Client().get(reverse("contests:results-json", args=[contest.pk])).content)
        assert data["version"] == 1 and data["totals"][0]["web_valid"] == 4
        assert data["counting_rule"].startswith("The public vote alone decides")

    def test_open_data_is_not_found_before_publication(self, contest, staff):
        round_with_entries(contest)
        assert client_for_page(staff).get(reverse("contests:results-csv", args=[contest.pk])).status_code == 404


# --- The same paper-ballot batch entered twice counts twice (7 paper votes became 247) ------------------------

class TestPaperBallots:
    def test_a_repeated_batch_number_is_refused(self, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        ballots(voting_round, a, staff, "CIT/3", 7)
        with pytest.raises(ValidationError) as err:
            ballots(voting_round, a, staff, "CIT/3", 240)
        assert codes(err.value) == {"batch_repeated"}
        assert selectors.round_block(voting_round).paper_valid == 7

    def test_the_database_refuses_a_repeated_batch_number(self, contest, staff):
        voting_round, (a, b, _c) = round_with_entries(contest)
        ballots(voting_round, a, staff, "CIT/3", 7)
        with pytest.raises(IntegrityError), transaction.atomic():
            PaperBallotBatch.objects.create(round=voting_round, entry=b, place="X", count=1, protocol_number="CIT/3",
                                            counted_by="Anna")

    def test_a_reversing_batch_restores_the_totals_and_nothing_is_deleted(self, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        ballots(voting_round, a, staff, "CIT/1", 7)
        wrong = ballots(voting_round, a, staff, "CIT/2", 240)
        reversal = services.reverse_paper_batch(batch=wrong, by=staff, reason="Typed 240 for 24")
        assert reversal.count == -240 and reversal.reverses == wrong
        assert selectors.round_block(voting_round).paper_valid == 7
        ballots(voting_round, a, staff, "CIT/2", 24)  # the right figure under the same protocol number
        assert selectors.round_block(voting_round).paper_valid == 31
        assert PaperBallotBatch.objects.filter(round=voting_round).count() == 4
        with pytest.raises(ValidationError):
            services.reverse_paper_batch(batch=wrong, by=staff, reason="again")
        with pytest.raises(ValidationError) as err:
            services.reverse_paper_batch(batch=wrong, by=staff, reason="")
        assert "reason" in err.value.error_dict
        kinds = list(ContestEvent.objects.filter(contest=contest).values_list("kind", flat=True))
        assert kinds.count("ballots_entered") == 3 and kinds.count("ballots_reversed") == 1

    def test_results_are_not_published_while_the_protocol_disagrees(self, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        ballots(voting_round, a, staff, "CIT/1", 7)
        end_round(voting_round)
        with pytest.raises(ValidationError) as err:
            services.publish_results(contest=contest, by=staff)
        assert codes(err.value) == {"protocol_mismatch"}, "paper ballots without a protocol"
        services.record_protocol(voting_round=voting_round, by=staff, issued=20, returned=9, valid=8, void=1)
        with pytest.raises(ValidationError) as err:
            services.publish_results(contest=contest, by=staff)
        assert "the batches entered 7" in str(err.value)
        services.record_protocol(voting_round=voting_round, by=staff, issued=20, returned=9, valid=7, void=2)
        publication = services.publish_results(contest=contest, by=staff)
        assert publication.totals[0]["paper_valid"] == 7 and publication.totals[0]["paper_void"] == 2


# --- A juror scored her own design 10 and a rival 0 -------------------------------------------------------

@pytest.fixture
def jury_contest(centre):
    contest = ContestFactory(centre=centre, ranking_method=Contest.RankingMethod.COMMISSION)
    PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
    return contest


class TestJury:
    def test_a_juror_cannot_score_their_own_entry(self, jury_contest):
        juror = JuryMemberFactory(contest=jury_contest)
        own = EntryFactory(contest=jury_contest, submitted_by=juror.user)
        with pytest.raises(ValidationError) as err:
            services.score_entry(juror=juror, entry=own, criterion=CriterionFactory(contest=jury_contest), value=10)
        assert codes(err.value) == {"conflict_of_interest"}
        assert not Score.objects.exists()

    def test_a_juror_cannot_score_a_garden_of_a_business_they_belong_to(self, centre):
        contest = ContestFactory(centre=centre, kind=Contest.Kind.GREEN_GARDEN, year=2026)
        PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
        garden = approved_garden(centre=centre)
        juror = JuryMemberFactory(contest=contest)
        BusinessMembership.objects.create(user=juror.user, business=garden.business)
        entry = EntryFactory(contest=contest, garden=garden)
        with pytest.raises(ValidationError) as err:
            services.score_entry(juror=juror, entry=entry, criterion=CriterionFactory(contest=contest), value=10)
        assert codes(err.value) == {"conflict_of_interest"}

    def test_staff_record_a_conflict_and_the_jurors_scores_stop_counting(self, jury_contest, staff):
        juror, other = JuryMemberFactory(contest=jury_contest), JuryMemberFactory(contest=jury_contest)
        criterion = CriterionFactory(contest=jury_contest)
        rival, favourite = EntryFactory(contest=jury_contest), EntryFactory(contest=jury_contest)
        services.score_entry(juror=juror, entry=favourite, criterion=criterion, value=10)
        services.score_entry(juror=juror, entry=rival, criterion=criterion, value=0)
        services.score_entry(juror=other, entry=favourite, criterion=criterion, value=5)
        services.score_entry(juror=other, entry=rival, criterion=criterion, value=6)
        services.record_conflict(juror=juror, entry=favourite, by=staff, reason="Her sister's design")
        with pytest.raises(ValidationError):
            services.record_conflict(juror=juror, entry=favourite, by=staff, reason="again")
        scores = {r.entry: r.commission_score for r in selectors.commission_ranking(contest=jury_contest)}
        assert scores[favourite] == Decimal("50.00")  # only the other juror's 5 of 10 counts
        assert Score.objects.filter(juror=juror, entry=favourite).exclude(excluded_reason="").exists()
        assert ContestEvent.objects.filter(kind=ContestEvent.Kind.CONFLICT_RECORDED, by=staff).exists()

    def test_staff_record_a_conflict_in_the_admin_through_the_service(self, jury_contest, staff):
        juror = JuryMemberFactory(contest=jury_contest)
        entry = EntryFactory(contest=jury_contest)
        response = client_for_page(staff).post(reverse("admin:contests_conflictofinterest_add"),
                                               {"juror": juror.pk, "entry": entry.pk, "reason": "Wspólnik"})
        assert response.status_code == 302
        conflict = juror.conflicts.get()
        assert conflict.recorded_by == staff and conflict.reason == "Wspólnik"

    def test_results_cannot_be_published_with_incomplete_jury_scores(self, jury_contest, staff):
        juror, other = JuryMemberFactory(contest=jury_contest), JuryMemberFactory(contest=jury_contest)
        criterion = CriterionFactory(contest=jury_contest)
        a, b = EntryFactory(contest=jury_contest), EntryFactory(contest=jury_contest)
        for entry in (a, b):
            services.score_entry(juror=juror, entry=entry, criterion=criterion, value=8)
        services.score_entry(juror=other, entry=a, criterion=criterion, value=2)
        with pytest.raises(ValidationError) as err:
            services.publish_results(contest=jury_contest, by=staff)
        assert codes(err.value) == {"results_incomplete"}
        services.score_entry(juror=other, entry=b, criterion=criterion, value=3)
        publication = services.publish_results(contest=jury_contest, by=staff)
        assert publication.scoring_rule.startswith("Every member of the commission without a conflict")

    def test_a_conflict_is_not_a_missing_score(self, jury_contest, staff):
        juror = JuryMemberFactory(contest=jury_contest)
        criterion = CriterionFactory(contest=jury_contest)
        own = EntryFactory(contest=jury_contest, submitted_by=juror.user)
        other = EntryFactory(contest=jury_contest)
        services.score_entry(juror=juror, entry=other, criterion=criterion, value=8)
        JuryMemberFactory(contest=jury_contest)  # a second juror, who scores nothing
        assert {row["entry"] for row in selectors.missing_scores(contest=jury_contest)} == {own.title, other.title}
        assert all(row["juror"] != (juror.user.get_full_name() or juror.user.email) or row["entry"] != own.title
                   for row in selectors.missing_scores(contest=jury_contest))

    def test_a_juror_cannot_vote_publicly_in_their_contest(self, contest):
        voting_round, (a, *_rest) = round_with_entries(contest)
        juror = JuryMemberFactory(contest=contest, user=UserFactory())
        with pytest.raises(ValidationError) as err:
            services.cast_vote(voting_round=voting_round, entry=a, voter=juror.user)
        assert codes(err.value) == {"not_eligible_voter"}
        other_round, (x, *_r) = round_with_entries(ContestFactory(centre=contest.centre))
        assert services.cast_vote(voting_round=other_round, entry=x, voter=juror.user).pk, "elsewhere they may"


# --- The results page of a jury-only contest starts mid-sentence and speaks of public votes ------------------

class TestTransparency:
    def test_the_jury_only_page_states_its_rule_in_a_whole_sentence_without_public_votes(self, jury_contest, staff):
        juror = JuryMemberFactory(contest=jury_contest)
        criterion = CriterionFactory(contest=jury_contest)
        entry = EntryFactory(contest=jury_contest)
        services.score_entry(juror=juror, entry=entry, criterion=criterion, value=7)
        services.publish_results(contest=jury_contest, by=staff)
        html = unescape(Client().get(reverse("contests:results", args=[jury_contest.pk])).content.decode())
        assert "The commission alone decides: entries are ranked by the commission's weighted mean score." in html
        assert "Entries with the same score are ranked by the earlier submission." in html
        for word in ("public vote", "votes", "Votes", "Online", "Paper"):
            assert word not in html.split("<main", 1)[1].split("</main>", 1)[0], word

    def test_the_weighted_rule_names_both_weights(self, centre):
        contest = ContestFactory(centre=centre, ranking_method=Contest.RankingMethod.WEIGHTED, public_weight=30)
        assert "30% the public vote" in contest.counting_rule and "70% the commission" in contest.counting_rule

    def test_the_public_page_shows_totals_and_the_tie_rule(self, contest, staff, published):
        _voting_round, *_rest = published
        html = Client().get(reverse("contests:results", args=[contest.pk])).content.decode()
        assert "Valid votes" in html and "Void votes" in html and "of which on paper" in html
        assert contest.tie_rule in unescape(html)

    def test_eligible_voters_are_shown_where_known(self, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        VotingRound.objects.filter(pk=voting_round.pk).update(eligible_voters=9000)
        VoteFactory(round=voting_round, entry=a)
        end_round(voting_round)
        services.publish_results(contest=contest, by=staff)
        html = Client().get(reverse("contests:results", args=[contest.pk])).content.decode()
        assert "Eligible voters" in html and "9000" in html


# --- Audit ----------------------------------------------------------------------------------------------

def test_the_history_of_voids_batches_corrections_and_publications_is_visible_to_staff(contest, staff, resident):
    voting_round, (a, *_rest) = round_with_entries(contest)
    vote = VoteFactory(round=voting_round, entry=a)
    services.void_vote(vote=vote, by=staff, reason="Konto-widmo")
    ballots(voting_round, a, staff, "CIT/1", 3)
    services.record_protocol(voting_round=voting_round, by=staff, issued=5, returned=3, valid=3, void=0)
    end_round(voting_round)
    services.publish_results(contest=contest, by=staff)
    events = list(selectors.contest_history(contest))
    assert {e.kind for e in events} == {"vote_voided", "ballots_entered", "protocol_recorded", "results_published"}
    assert all(e.by == staff and e.created_at for e in events)
    assert [e.note for e in events if e.kind == "vote_voided"] == ["Konto-widmo"]
    html = client_for_page(staff).get(reverse("contests:results", args=[contest.pk])).content.decode()
    assert "Konto-widmo" in html
    public = Client().get(reverse("contests:results", args=[contest.pk])).content.decode()
    assert "Konto-widmo" not in public
    admin = client_for_page(staff).get(reverse("admin:contests_contestevent_changelist")).content.decode()
    assert "Konto-widmo" in admin
