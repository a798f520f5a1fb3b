"""Pages: contest list and page, nomination and vote forms (errors shown on the page), results, jury, my page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests import services
from contests.models import Entry, Phase, Score, Vote, VotingRound
from tests.contests.factories import (
    ContestFactory,
    CriterionFactory,
    EntryFactory,
    JuryMemberFactory,
    PaperBallotBatchFactory,
    PhaseFactory,
    approved_garden,
    round_with_entries,
)

pytestmark = pytest.mark.django_db


def browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_contest_list_shows_the_centres_contests_and_their_phase(contest):
    PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
    page = browser().get(reverse("contests:contest-list"))
    assert page.status_code == 200
    assert contest.title in page.content.decode()


def test_contest_page_shows_accepted_entries_and_hides_pending_ones(contest):
    shown = EntryFactory(contest=contest, status=Entry.Status.FINALIST, title="Ogródek pod Kopernikiem")
    hidden = EntryFactory(contest=contest, status=Entry.Status.SUBMITTED, title="Ukryte zgłoszenie")
    html = browser().get(reverse("contests:contest-detail", args=[contest.pk])).content.decode()
    assert shown.title in html and hidden.title not in html
    assert browser().get(reverse("contests:contest-detail", args=[999999])).status_code == 404


def test_nominating_a_garden_from_the_list(garden_contest, centre, resident):
    garden = approved_garden(centre=centre)
    url = reverse("contests:submit", args=[garden_contest.pk])
    response = browser(resident).post(url, {"garden": garden.pk, "relation": "resident", "reason": "Pięknie"})
    assert response.status_code == 302
    entry = Entry.objects.get(contest=garden_contest)
    assert entry.garden == garden and entry.nominations.count() == 1
    again = browser(resident).post(url, {"garden": garden.pk, "relation": "resident"})
    assert again.status_code == 400
    assert "You have already nominated this garden." in again.content.decode()


def test_garden_without_permit_is_not_offered(garden_contest, centre, resident):
    unpermitted = approved_garden(centre=centre, status="submitted")
    page = browser(resident).get(reverse("contests:contest-detail", args=[garden_contest.pk]))
    assert page.context["entry_form"].fields["garden"].queryset.filter(pk=unpermitted.pk).count() == 0
    response = browser(resident).post(reverse("contests:submit", args=[garden_contest.pk]),
                                      {"garden": unpermitted.pk, "relation": "resident"})
    assert response.status_code == 400 and not Entry.objects.exists()


def test_anonymous_submit_goes_to_login(garden_contest):
    response = browser().post(reverse("contests:submit", args=[garden_contest.pk]), {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_vote_on_the_page_and_a_second_vote_is_refused_with_a_message(contest, resident):
    _voting_round, (a, b, _c) = round_with_entries(contest)
    client = browser(resident)
    url = reverse("contests:vote", args=[contest.pk])
    assert client.post(url, {"entry": a.pk}).status_code == 302
    response = client.post(url, {"entry": b.pk})
    assert response.status_code == 400
    assert response.content.decode().count("You have already voted in this round.") == 1, "said once"
    assert Vote.objects.filter(voter=resident).count() == 1
    page = client.get(reverse("contests:contest-detail", args=[contest.pk])).content.decode()
    assert "You have already voted in this round" in page
    assert url not in page, "once the vote is cast, no form invites a second one"


def test_vote_for_an_entry_not_in_the_round_is_refused_on_the_page(contest, resident):
    round_with_entries(contest)
    other = EntryFactory(contest=contest)
    response = browser(resident).post(reverse("contests:vote", args=[contest.pk]), {"entry": other.pk})
    assert response.status_code == 400 and not Vote.objects.exists()


def test_results_page_hidden_until_published_then_shows_bars_and_table(contest, staff, other_staff, resident):
    voting_round, (a, _b, _c) = round_with_entries(contest)
    PaperBallotBatchFactory(round=voting_round, entry=a, count=7)
    url = reverse("contests:results", args=[contest.pk])
    assert browser(resident).get(url).status_code == 404
    assert browser(other_staff).get(url).status_code == 404
    assert browser(staff).get(url).status_code == 200
    VotingRound.objects.filter(pk=voting_round.pk).update(starts_at=timezone.now() - dt.timedelta(days=2),
                                                          ends_at=timezone.now() - dt.timedelta(minutes=1))
    services.record_protocol(voting_round=voting_round, by=staff, issued=10, returned=7, valid=7, void=0)
    services.publish_results(contest=contest, by=staff)
    html = browser().get(url).content.decode()
    assert "result-bars" in html and "100.00" in html


def test_jury_page_for_jurors_only_and_scores_once(contest, resident, staff):
    PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
    seat = JuryMemberFactory(contest=contest)
    entry, criterion = EntryFactory(contest=contest), CriterionFactory(contest=contest)
    url = reverse("contests:jury", args=[contest.pk])
    assert browser(resident).get(url).status_code == 404
    assert browser(staff).get(url).status_code == 404  # the scoring page is the jurors'; staff use the admin
    client = browser(seat.user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"entry": entry.pk, "criterion": criterion.pk, "value": "6"}).status_code == 302
    again = client.post(url, {"entry": entry.pk, "criterion": criterion.pk, "value": "8"})
    assert again.status_code == 400 and "already scored" in again.content.decode()
    assert Score.objects.get().value == 6


def test_juror_declares_a_conflict_on_the_page(contest):
    PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
    seat = JuryMemberFactory(contest=contest)
    entry = EntryFactory(contest=contest)
    response = browser(seat.user).post(reverse("contests:jury", args=[contest.pk]),
                                       {"action": "conflict", "entry": entry.pk, "reason": "Mój brat"})
    assert response.status_code == 302 and seat.conflicts.filter(entry=entry).exists()


def test_my_contests_lists_only_my_things(contest, resident):
    mine = EntryFactory(contest=contest, submitted_by=resident, title="Mój projekt")
    EntryFactory(contest=contest, title="Cudzy projekt")
    html = browser(resident).get(reverse("contests:my-contests")).content.decode()
    assert mine.title in html and "Cudzy projekt" not in html
    assert browser().get(reverse("contests:my-contests")).status_code == 302


def test_other_contest_kinds_show_an_entry_form(centre, resident):
    contest = ContestFactory(centre=centre, kind="mural_design")
    PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
    page = browser(resident).get(reverse("contests:contest-detail", args=[contest.pk]))
    assert "alt_text" in page.context["entry_form"].fields
