"""Office side: results export, admin actions and CSV, phase sync task, GDPR export and erasure."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests import selectors, services
from contests.models import Entry, Nomination, Phase, Vote
from contests.tasks import sync_phases
from core import gdpr
from office import imports
from tests.contests.factories import (
    ContestFactory,
    EntryFactory,
    PaperBallotBatchFactory,
    PhaseFactory,
    VoteFactory,
    round_with_entries,
)

pytestmark = pytest.mark.django_db
DAY = timezone.timedelta(days=1)


def test_results_export_has_votes_percent_and_rank_of_the_centre_only(contest, other_centre, staff):
    voting_round, (a, b, _c) = round_with_entries(contest)
    VoteFactory(round=voting_round, entry=a)
    voided = VoteFactory(round=voting_round, entry=a)
    services.void_vote(vote=voided, by=staff, reason="Duplicate")
    PaperBallotBatchFactory(round=voting_round, entry=b, count=3)
    round_with_entries(ContestFactory(centre=other_centre, title_pl="Inny konkurs"))
    content, _type, _name = imports.export_file(dataset_key="contest-results", centre=contest.centre, fmt="csv")
    text = content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].split(";") == ["contest", "round", "entry", "online_votes", "paper_votes", "total", "percent",
                                   "rank"]
    assert len(lines) == 4 and "Inny konkurs" not in text
    assert f"{contest.title_pl};{voting_round.label};{b.title};0;3;3;75.00;1" in lines
    assert f"{contest.title_pl};{voting_round.label};{a.title};1;0;1;25.00;2" in lines


def test_sync_phases_records_openings_and_closings_once(contest):
    now = timezone.now()
    past = PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES, starts_at=now - 3 * DAY, ends_at=now - DAY)
    current = PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW, starts_at=now - DAY, ends_at=now + DAY)
    future = PhaseFactory(contest=contest, kind=Phase.Kind.VOTING, starts_at=now + DAY, ends_at=now + 2 * DAY)
    assert sync_phases() == {"opened": 2, "closed": 1}
    assert sync_phases() == {"opened": 0, "closed": 0}
    for phase in (past, current, future):
        phase.refresh_from_db()
    assert past.closed_at and current.opened_at and not current.closed_at and not future.opened_at
    assert contest.current_phase() == current


def test_gdpr_exports_votes_and_nominations_and_erasure_keeps_them_anonymous(contest, resident, staff):
    voting_round, (a, *_rest) = round_with_entries(contest)
    VoteFactory(round=voting_round, entry=a, voter=resident)
    Nomination.objects.create(entry=a, user=resident, reason="Piękne kwiaty")
    data = gdpr.export_personal_data(resident)["contests"]
    assert len(data["votes"]) == 1 and data["nominations"][0]["reason"] == "Piękne kwiaty"
    gdpr.erase_personal_data(user=resident)
    assert Vote.objects.get().voter is None
    assert Nomination.objects.get().user is None
    assert selectors.round_result_rows(voting_round=voting_round)[0]["online_votes"] == 1


class TestAdmin:
    @pytest.fixture
    def office(self, staff):
        client = Client()
        client.force_login(staff)
        return client

    def test_staff_see_only_their_centres_contests_and_votes(self, office, contest, other_centre):
        other = ContestFactory(centre=other_centre, title_pl="Cudzy konkurs")
        html = office.get(reverse("admin:contests_contest_changelist")).content.decode()
        assert contest.title_pl in html and other.title_pl not in html
        voting_round, (a, *_rest) = round_with_entries(other)
        foreign_vote = VoteFactory(round=voting_round, entry=a)
        assert office.get(reverse("admin:contests_vote_change", args=[foreign_vote.pk])).status_code == 302

    def test_entry_actions_go_through_the_workflow(self, office, contest):
        entry = EntryFactory(contest=contest, status=Entry.Status.SUBMITTED)
        office.post(reverse("admin:contests_entry_changelist"),
                    {"action": "mark_shortlisted", "_selected_action": [entry.pk]})
        entry.refresh_from_db()
        assert entry.status == Entry.Status.SUBMITTED  # submitted cannot jump to shortlisted
        office.post(reverse("admin:contests_entry_changelist"),
                    {"action": "check_eligibility", "_selected_action": [entry.pk]})
        entry.refresh_from_db()
        assert entry.status == Entry.Status.ELIGIBLE

    def test_void_action_keeps_the_vote_listed(self, office, contest):
        voting_round, (a, *_rest) = round_with_entries(contest)
        vote = VoteFactory(round=voting_round, entry=a)
        office.post(reverse("admin:contests_vote_changelist"), {"action": "void", "_selected_action": [vote.pk]})
        vote.refresh_from_db()
        assert vote.voided_at is not None and vote.void_reason
        assert str(vote.entry) in office.get(reverse("admin:contests_vote_changelist")).content.decode()

    def test_csv_export_of_results(self, office, contest):
        voting_round, (a, *_rest) = round_with_entries(contest)
        PaperBallotBatchFactory(round=voting_round, entry=a, count=2)
        response = office.post(reverse("admin:contests_contest_changelist"),
                               {"action": "export_results_csv", "_selected_action": [contest.pk]})
        assert response["Content-Type"].startswith("text/csv")
        assert a.title in response.content.decode("utf-8-sig")

    def test_paper_ballots_entered_in_the_admin_are_checked(self, office, contest, staff):
        voting_round, (a, *_rest) = round_with_entries(contest)
        url = reverse("admin:contests_paperballotbatch_add")
        bad = office.post(url, {"round": voting_round.pk, "entry": EntryFactory(contest=contest).pk,
                                "place": "IT", "count": 5, "note": "", "protocol_number": "1", "counted_by": "Ala"})
        assert bad.status_code == 200 and "not in this round" in bad.content.decode()
        office.post(url, {"round": voting_round.pk, "entry": a.pk, "place": "IT", "count": 5, "note": "",
                          "protocol_number": "1", "counted_by": "Ala"})
        assert voting_round.paper_batches.get().entered_by == staff


@pytest.mark.parametrize("name", ["contest", "entry", "votinground", "vote", "paperballotbatch", "score",
                                  "conflictofinterest"])
def test_admin_pages_open_for_staff(name, staff, contest):
    from contests.models import Criterion, JuryMember

    voting_round, (a, *_rest) = round_with_entries(contest)
    VoteFactory(round=voting_round, entry=a)
    PaperBallotBatchFactory(round=voting_round, entry=a)
    JuryMember.objects.create(contest=contest, user=staff)
    Criterion.objects.create(contest=contest, name_pl="Zieleń")
    client = Client()
    client.force_login(staff)
    assert client.get(reverse(f"admin:contests_{name}_changelist")).status_code == 200
    model = {"contest": contest, "entry": a, "votinground": voting_round, "vote": a.votes.first(),
             "paperballotbatch": a.paper_batches.first()}.get(name)
    if model is not None:
        assert client.get(reverse(f"admin:contests_{name}_change", args=[model.pk])).status_code == 200
