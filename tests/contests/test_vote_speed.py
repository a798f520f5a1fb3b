"""Voting day: a vote is one statement, and the facts it is answered from never let a wrong vote in or a right
one out (the database re-checks them in the insert; a refusal is read again afresh before it is given)."""

from __future__ import annotations

import threading
import time

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from contests import selectors, services
from contests.models import Contest, JuryMember, RoundEntry, Vote, VotingRound
from tests.conftest import client_for
from tests.contests.factories import (
    ContestFactory,
    EntryFactory,
    approved_garden,
    round_with_entries,
)
from tests.factories import CentreFactory, UserFactory

DAY = timezone.timedelta(days=1)
VOTES = "/api/v1/contests/votes/"


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


def voter():
    return UserFactory(email_verified_at=timezone.now())


@pytest.fixture(autouse=True)
def _forget_round_facts():
    selectors._ROUND_FACTS.clear()
    yield
    selectors._ROUND_FACTS.clear()


# --- How many statements a vote costs ---------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)  # outside a test transaction: the statements a web request runs
def test_a_vote_is_one_statement_once_its_rounds_facts_are_known(django_assert_num_queries):
    contest = ContestFactory(centre=CentreFactory())
    voting_round, (a, b, _c) = round_with_entries(contest)
    first, second = voter(), voter()
    with django_assert_num_queries(4):  # the round's facts (round, jury, entries), then the insert
        services.cast_vote(voting_round=voting_round.pk, entry=a.pk, voter=first)
    with django_assert_num_queries(1):  # no transaction, savepoint, read-back or audit row
        services.cast_vote(voting_round=voting_round.pk, entry=b.pk, voter=second)
    with django_assert_num_queries(1), pytest.raises(ValidationError) as err:
        services.cast_vote(voting_round=voting_round.pk, entry=a.pk, voter=second)
    assert codes(err.value) == {"vote_repeated"}
    assert Vote.objects.filter(round=voting_round).count() == 2


@pytest.mark.django_db
def test_the_vote_api_writes_in_one_statement_and_answers_the_vote(contest, django_assert_num_queries):
    voting_round, (a, b, _c) = round_with_entries(contest)
    services.cast_vote(voting_round=voting_round, entry=b, voter=voter())  # the round's facts are known
    resident = voter()
    client = client_for(resident)
    with django_assert_num_queries(3):  # the insert, in a savepoint of the test's transaction
        response = client.post(VOTES, {"round": voting_round.pk, "entry": a.pk})
    assert response.status_code == 201
    vote = Vote.objects.get(voter=resident)
    assert response.json() | {"created_at": None} == {
        "id": vote.pk, "round": voting_round.pk, "entry": a.pk, "created_at": None, "is_voided": False,
        "voided_at": None, "void_reason": ""}
    assert vote.round_entry == RoundEntry.objects.get(round=voting_round, entry=a)
    second = client.post(VOTES, {"round": voting_round.pk, "entry": b.pk})
    assert second.status_code == 400
    assert second.json()["errors"] == [{"code": "vote_repeated", "detail": "You have already voted in this round.",
                                        "attr": "non_field_errors"}]  # as before


@pytest.mark.django_db
def test_an_unknown_round_or_entry_and_a_wrong_type_are_400s_on_their_field(contest):
    voting_round, _entries = round_with_entries(contest)
    client = client_for(voter())
    unknown = client.post(VOTES, {"round": 999_999, "entry": 1})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["attr"] == "round"
    assert unknown.json()["errors"][0]["code"] == "not_found"
    huge = client.post(VOTES, {"round": 10**30, "entry": 1}, format="json")
    assert huge.status_code == 400 and huge.json()["errors"][0]["attr"] == "round"
    wrong = client.post(VOTES, {"round": "abc", "entry": 1})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["code"] == "incorrect_type"
    no_entry = client.post(VOTES, {"round": voting_round.pk, "entry": 999_999})
    assert no_entry.status_code == 400 and no_entry.json()["errors"][0] == {
        "code": "entry_not_eligible", "detail": "This entry is not in this round.", "attr": "entry"}
    assert not Vote.objects.exists()


# --- Facts kept in memory never decide alone ------------------------------------------------------------

@pytest.mark.django_db
class TestKeptFactsNeverDecideAlone:
    """Each change below bypasses model signals (QuerySet.update, bulk_create) after the round's facts were
    kept: the database's answer still wins."""

    def _known(self, voting_round, entry):
        services.cast_vote(voting_round=voting_round, entry=entry, voter=voter())
        assert voting_round.pk in selectors._ROUND_FACTS

    def test_a_round_ended_meanwhile_takes_no_vote(self, contest):
        voting_round, (a, *_rest) = round_with_entries(contest)
        self._known(voting_round, a)
        VotingRound.objects.filter(pk=voting_round.pk).update(ends_at=timezone.now() - DAY / 24,
                                                              starts_at=timezone.now() - DAY)
        with pytest.raises(ValidationError) as err:
            services.cast_vote(voting_round=voting_round, entry=a, voter=voter())
        assert codes(err.value) == {"voting_closed"}
        assert Vote.objects.count() == 1

    def test_a_round_opened_meanwhile_takes_the_vote(self, contest):
        voting_round, (a, *_rest) = round_with_entries(contest, starts_at=timezone.now() + DAY,
                                                       ends_at=timezone.now() + 2 * DAY)
        with pytest.raises(ValidationError):
            services.cast_vote(voting_round=voting_round, entry=a, voter=voter())
        VotingRound.objects.filter(pk=voting_round.pk).update(starts_at=timezone.now() - DAY)
        assert services.cast_vote(voting_round=voting_round, entry=a, voter=voter()).pk

    def test_an_entry_withdrawn_meanwhile_takes_no_vote(self, contest):
        voting_round, (a, b, _c) = round_with_entries(contest)
        self._known(voting_round, b)
        RoundEntry.objects.filter(round=voting_round, entry=a).update(withdrawn_at=timezone.now(),
                                                                      withdrawn_reason="Plagiat")
        with pytest.raises(ValidationError) as err:
            services.cast_vote(voting_round=voting_round, entry=a, voter=voter())
        assert codes(err.value) == {"entry_not_eligible"}
        assert not Vote.objects.filter(entry=a).exists()

    def test_an_entry_declared_ineligible_meanwhile_takes_no_vote(self, contest):
        voting_round, (a, b, _c) = round_with_entries(contest)
        self._known(voting_round, b)
        type(a).objects.filter(pk=a.pk).update(status="ineligible", ineligible_reason="Kopia")
        with pytest.raises(ValidationError) as err:
            services.cast_vote(voting_round=voting_round, entry=a, voter=voter())
        assert codes(err.value) == {"entry_not_eligible"}

    def test_a_juror_appointed_meanwhile_does_not_vote(self, contest):
        voting_round, (a, *_rest) = round_with_entries(contest)
        self._known(voting_round, a)
        juror = voter()
        JuryMember.objects.bulk_create([JuryMember(contest=contest, user=juror)])
        with pytest.raises(ValidationError) as err:
            services.cast_vote(voting_round=voting_round, entry=a, voter=juror)
        assert codes(err.value) == {"not_eligible_voter"}
        assert not Vote.objects.filter(voter=juror).exists()

    def test_a_round_turned_to_cardholders_meanwhile_asks_for_the_card(self, contest, cardholders):
        voting_round, (a, *_rest) = round_with_entries(contest)
        self._known(voting_round, a)
        VotingRound.objects.filter(pk=voting_round.pk).update(eligibility=VotingRound.Eligibility.CARDHOLDER)
        with pytest.raises(ValidationError, match="cardholders only"):
            services.cast_vote(voting_round=voting_round, entry=a, voter=voter())

    def test_a_garden_whose_permit_was_revoked_meanwhile_takes_no_vote(self, centre):
        contest = ContestFactory(centre=centre, kind=Contest.Kind.GREEN_GARDEN, year=2026)
        voting_round, _ = round_with_entries(contest, n=0)
        gardens = [approved_garden(centre=centre) for _ in range(2)]
        entries = [EntryFactory(contest=contest, garden=g) for g in gardens]
        for entry in entries:
            RoundEntry.objects.create(round=voting_round, entry=entry)
        self._known(voting_round, entries[1])
        type(gardens[0]).objects.filter(pk=gardens[0].pk).update(status="revoked")
        with pytest.raises(ValidationError) as err:
            services.cast_vote(voting_round=voting_round, entry=entries[0], voter=voter())
        assert codes(err.value) == {"entry_not_eligible"}
        assert not Vote.objects.filter(entry=entries[0]).exists()


# --- Audit: office actions on votes, not the votes themselves --------------------------------------------

@pytest.mark.django_db
def test_a_cast_vote_writes_no_audit_row_but_voiding_it_does(contest, staff):
    voting_round, (a, *_rest) = round_with_entries(contest)
    vote = services.cast_vote(voting_round=voting_round, entry=a, voter=voter())
    Vote.objects.create(round=voting_round, entry=a, voter=voter(), round_entry=vote.round_entry)  # ORM, too
    assert not LogEntry.objects.get_for_model(Vote).exists()
    services.void_vote(vote=vote, by=staff, reason="Kupiony głos")
    entry = LogEntry.objects.get_for_model(Vote).get()
    assert (entry.action, entry.object_pk) == (LogEntry.Action.UPDATE, str(vote.pk))
    assert entry.changes_dict["void_reason"][1] == "Kupiony głos"


# --- A withdrawal and a vote cannot cross (PostgreSQL's row locks) ---------------------------------------

@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_vote_arriving_during_a_withdrawal_waits_for_it_and_is_refused():
    centre = CentreFactory()
    contest = ContestFactory(centre=centre)
    voting_round, (a, b, _c) = round_with_entries(contest)
    services.cast_vote(voting_round=voting_round, entry=b, voter=voter())  # the facts are kept: a votable
    resident = voter()
    locked, done = threading.Event(), threading.Event()
    outcome: list[str] = []

    def withdraw() -> None:
        from django.db import connection as thread_connection

        try:
            with transaction.atomic():
                round_entry = RoundEntry.objects.select_for_update().get(round=voting_round, entry=a)
                locked.set()
                time.sleep(0.5)  # the vote arrives meanwhile
                round_entry.withdrawn_at = timezone.now()
                round_entry.withdrawn_reason = "Pozwolenie cofnięte"
                round_entry.save()
        finally:
            done.set()
            thread_connection.close()

    def vote() -> None:
        from django.db import connection as thread_connection

        try:
            locked.wait(5)
            services.cast_vote(voting_round=voting_round, entry=a, voter=resident)
            outcome.append("ok")
        except ValidationError as exc:
            outcome.append(",".join(sorted(codes(exc))))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=withdraw), threading.Thread(target=vote)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome == ["entry_not_eligible"]
    assert not Vote.objects.filter(voter=resident).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_votes_for_one_entry_do_not_wait_for_each_other():
    """The round entry is share-locked: a vote whose transaction is still open does not hold up the next."""
    contest = ContestFactory(centre=CentreFactory())
    voting_round, (a, *_rest) = round_with_entries(contest)
    first, second = voter(), voter()
    written = threading.Event()
    outcome: list[float] = []

    def slow_vote() -> None:
        from django.db import connection as thread_connection

        try:
            with transaction.atomic():
                services.cast_vote(voting_round=voting_round, entry=a, voter=first)
                written.set()
                time.sleep(1.0)
        finally:
            thread_connection.close()

    def quick_vote() -> None:
        from django.db import connection as thread_connection

        try:
            written.wait(5)
            started = time.monotonic()
            services.cast_vote(voting_round=voting_round, entry=a, voter=second)
            outcome.append(time.monotonic() - started)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=slow_vote), threading.Thread(target=quick_vote)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcome) == 1 and outcome[0] < 0.8
    assert Vote.objects.filter(round=voting_round).count() == 2
