"""API: who sees and does what on every contests endpoint, errors as 400 with field messages, fixed queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contests import services
from contests.models import Entry, Phase, Score, Vote, VotingRound
from tests.conftest import client_for
from tests.contests.factories import (
    ContestFactory,
    CriterionFactory,
    EntryFactory,
    JuryMemberFactory,
    PaperBallotBatchFactory,
    PhaseFactory,
    VoteFactory,
    round_with_entries,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def attrs(response) -> set[str]:
    return {e["attr"] for e in response.json()["errors"]}


class TestContests:
    def test_anyone_lists_contests_in_fixed_queries(self, api, centre, django_assert_max_num_queries):
        for _ in range(3):
            contest = ContestFactory(centre=centre)
            PhaseFactory(contest=contest)
        with django_assert_max_num_queries(4):
            response = api.get("/api/v1/contests/contests/")
        assert response.status_code == 200
        assert response.json()["count"] == 3
        assert response.json()["results"][0]["current_phase"] == "entries"

    def test_bad_filter_is_a_400(self, api):
        assert api.get("/api/v1/contests/contests/?year=abc").status_code == 400

    def test_results_hidden_until_published_except_for_staff(self, api, contest, staff, other_staff):
        voting_round, (a, _b, _c) = round_with_entries(contest)
        PaperBallotBatchFactory(round=voting_round, entry=a, count=4)
        url = f"/api/v1/contests/contests/{contest.pk}/results/"
        assert api.get(url).status_code == 404
        assert client_for(other_staff).get(url).status_code == 404
        response = client_for(staff).get(url)
        assert response.status_code == 200
        assert response.json()["rounds"][0]["rows"][0]["paper_votes"] == 4
        VotingRound.objects.filter(pk=voting_round.pk).update(starts_at=timezone.now() - dt.timedelta(days=2),
                                                              ends_at=timezone.now() - dt.timedelta(minutes=1))
        services.record_protocol(voting_round=voting_round, by=staff, issued=4, returned=4, valid=4, void=0)
        services.publish_results(contest=contest, by=staff)
        assert api.get(url).json()["ranking"][0]["entry_id"] == a.pk
        round_url = f"/api/v1/contests/rounds/{voting_round.pk}/results/"
        assert api.get(round_url).json()["rows"][0]["percent"] == "100.00"


class TestEntries:
    def test_public_sees_accepted_entries_entrant_own_staff_all(self, api, contest, staff, other_staff):
        accepted = EntryFactory(contest=contest, status=Entry.Status.ELIGIBLE)
        pending = EntryFactory(contest=contest, status=Entry.Status.SUBMITTED)

        def ids(client):
            return {e["id"] for e in client.get("/api/v1/contests/entries/").json()["results"]}

        assert ids(api) == {accepted.pk}
        assert ids(client_for(pending.submitted_by)) == {accepted.pk, pending.pk}
        assert ids(client_for(staff)) == {accepted.pk, pending.pk}
        assert ids(client_for(other_staff)) == {accepted.pk}
        assert api.get(f"/api/v1/contests/entries/{pending.pk}/").status_code == 404

    def test_nominating_a_garden_without_permit_is_a_400(self, centre, resident):
        from tests.contests.factories import approved_garden

        contest = ContestFactory(centre=centre, kind="green_garden")
        PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        garden = approved_garden(centre=centre, status="rejected")
        response = client_for(resident).post("/api/v1/contests/entries/",
                                             {"contest": contest.pk, "garden": garden.pk}, format="json")
        assert response.status_code == 400
        assert "garden" in attrs(response)

    def test_nominations_via_api_merge(self, centre):
        from tests.contests.factories import approved_garden

        contest = ContestFactory(centre=centre, kind="green_garden")
        PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        garden = approved_garden(centre=centre)
        for _ in range(2):
            response = client_for(UserFactory()).post(
                "/api/v1/contests/entries/", {"contest": contest.pk, "garden": garden.pk, "relation": "visitor"},
                format="json")
            assert response.status_code == 201
        assert response.json()["nomination_count"] == 2

    def test_anonymous_cannot_submit(self, api, contest):
        PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        response = api.post("/api/v1/contests/entries/", {"contest": contest.pk, "title": "X"}, format="json")
        assert response.status_code == 401

    def test_staff_moves_status_entrant_gets_403_outsider_404(self, contest, staff, other_staff):
        entry = EntryFactory(contest=contest, status=Entry.Status.SUBMITTED)
        url = f"/api/v1/contests/entries/{entry.pk}/status/"
        assert client_for(entry.submitted_by).post(url, {"to": "eligible"}).status_code == 403
        assert client_for(other_staff).post(url, {"to": "eligible"}).status_code == 404
        bad = client_for(staff).post(url, {"to": "winner"})
        assert bad.status_code == 400 and "status" in attrs(bad)
        assert client_for(staff).post(url, {"to": "ineligible"}).status_code == 400  # no reason
        ok = client_for(staff).post(url, {"to": "eligible"})
        assert ok.status_code == 200 and ok.json()["status"] == "eligible"


class TestVotes:
    def test_vote_then_second_vote_is_a_400_with_a_clear_message(self, contest, resident):
        voting_round, (a, b, _c) = round_with_entries(contest)
        client = client_for(resident)
        first = client.post("/api/v1/contests/votes/", {"round": voting_round.pk, "entry": a.pk})
        assert first.status_code == 201
        second = client.post("/api/v1/contests/votes/", {"round": voting_round.pk, "entry": b.pk})
        assert second.status_code == 400
        assert second.json()["errors"][0]["detail"] == "You have already voted in this round."

    def test_voter_sees_own_votes_staff_see_centre_votes_cursor_paged(self, contest, resident, staff, other_staff,
                                                                       django_assert_max_num_queries):
        voting_round, (a, *_rest) = round_with_entries(contest)
        mine = VoteFactory(round=voting_round, entry=a, voter=resident)
        for _ in range(3):
            VoteFactory(round=voting_round, entry=a)
        assert [v["id"] for v in client_for(resident).get("/api/v1/contests/votes/").json()["results"]] == [mine.pk]
        staff_client = client_for(staff)
        with django_assert_max_num_queries(4):
            response = staff_client.get("/api/v1/contests/votes/?page_size=2")
        assert len(response.json()["results"]) == 2 and response.json()["next"]
        assert client_for(other_staff).get("/api/v1/contests/votes/").json()["results"] == []
        assert client_for(other_staff).get(f"/api/v1/contests/votes/{mine.pk}/").status_code == 404

    def test_only_staff_void_and_the_vote_stays_listed(self, contest, resident, staff, other_staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        vote = VoteFactory(round=voting_round, entry=a, voter=resident)
        url = f"/api/v1/contests/votes/{vote.pk}/void/"
        assert client_for(resident).post(url, {"reason": "mine"}).status_code == 403
        assert client_for(other_staff).post(url, {"reason": "x"}).status_code == 404
        assert client_for(staff).post(url, {}).status_code == 400
        response = client_for(staff).post(url, {"reason": "Duplicate account"})
        assert response.status_code == 200 and response.json()["is_voided"] is True
        listed = client_for(staff).get("/api/v1/contests/votes/?voided=true").json()["results"]
        assert [v["id"] for v in listed] == [vote.pk]
        assert Vote.objects.filter(pk=vote.pk).exists()

    def test_anonymous_gets_401(self, api):
        assert api.get("/api/v1/contests/votes/").status_code == 401


class TestScores:
    def test_juror_scores_and_reads_own_not_others_while_review_open(self, contest, staff, resident):
        PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
        juror, other = JuryMemberFactory(contest=contest), JuryMemberFactory(contest=contest)
        entry, criterion = EntryFactory(contest=contest), CriterionFactory(contest=contest, max_score=10)
        Score.objects.create(juror=other, entry=entry, criterion=criterion, value=9)
        client = client_for(juror.user)
        payload = {"entry": entry.pk, "criterion": criterion.pk, "value": "7.5"}
        assert client.post("/api/v1/contests/scores/", payload).status_code == 201
        twice = client.post("/api/v1/contests/scores/", payload)
        assert twice.status_code == 400 and "criterion" in attrs(twice)
        assert [s["value"] for s in client.get("/api/v1/contests/scores/").json()["results"]] == ["7.5"]
        assert client_for(staff).get("/api/v1/contests/scores/").json()["count"] == 2
        assert client_for(resident).get("/api/v1/contests/scores/").json()["count"] == 0
        assert client_for(resident).post("/api/v1/contests/scores/", payload).status_code == 403

    def test_score_above_maximum_is_a_400(self, contest):
        PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
        juror = JuryMemberFactory(contest=contest)
        entry, criterion = EntryFactory(contest=contest), CriterionFactory(contest=contest, max_score=5)
        response = client_for(juror.user).post("/api/v1/contests/scores/",
                                               {"entry": entry.pk, "criterion": criterion.pk, "value": "6"})
        assert response.status_code == 400 and "value" in attrs(response)


def test_rounds_are_public(api, contest):
    _voting_round, entries = round_with_entries(contest)
    response = api.get(f"/api/v1/contests/rounds/?contest={contest.pk}")
    assert response.status_code == 200
    assert set(response.json()["results"][0]["entries"]) == {e.pk for e in entries}
    assert response.json()["results"][0]["is_open"] is True


@pytest.mark.parametrize("query", ["contests/contests/?year=0.5", "contests/contests/?year=99999999999999999999",
                                   "contests/scores/?contest=-692796794121713218019415497375744",
                                   "contests/entries/?contest=99999999999999999999999",
                                   "contests/votes/?round=abc"])
def test_bad_query_parameters_are_400_not_500(query, staff):
    assert client_for(staff).get(f"/api/v1/{query}").status_code == 400
