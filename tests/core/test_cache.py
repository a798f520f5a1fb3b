"""Cached public reads (core.cache): what is served from the cache, and that every change shows at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core import cache as public_cache
from tests.contests.factories import ContestFactory, PhaseFactory, VotingRoundFactory
from tests.factories import UserFactory
from tests.gardens.factories import ApplicationFactory, SeasonFactory
from tests.loyalty.factories import PartnerFactory, PerkFactory

PERKS_API = "/api/v1/loyalty/perks/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def partner(business):
    return PartnerFactory(centre=business.centre, business=business)


@pytest.fixture
def perk(partner):
    return PerkFactory(partner=partner, title_pl="Kawa gratis", title_en="Free coffee", kind="free_item", value=None)


def _titles(response) -> list[str]:
    return [p["title_pl"] for p in response.json()["results"]]


# --- What is cached ------------------------------------------------------------------------------------

def test_an_anonymous_perk_list_is_rendered_once_then_served_from_the_cache(client, perk,
                                                                          django_assert_num_queries):
    first = client.get(PERKS_API, HTTP_ACCEPT="application/json")
    assert first.status_code == 200
    assert first["X-Public-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(PERKS_API, HTTP_ACCEPT="application/json")
    assert second["X-Public-Cache"] == "hit"
    assert second.json() == first.json()
    assert "Accept-Language" in second["Vary"] and "Cookie" in second["Vary"]
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_each_query_and_each_language_has_its_own_entry(client, perk):
    PerkFactory(partner=perk.partner, title_pl="Rabat", title_en="Discount", kind="percent", value=10)
    plain = client.get(PERKS_API, HTTP_ACCEPT="application/json")
    percent = client.get(PERKS_API + "?kind=percent", HTTP_ACCEPT="application/json")
    assert len(plain.json()["results"]) == 2
    assert _titles(percent) == ["Rabat"]
    polish = client.get(reverse("loyalty:perk-list"), HTTP_ACCEPT_LANGUAGE="pl")
    english = client.get(reverse("loyalty:perk-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Kawa gratis" in polish.content.decode() and "Free coffee" not in polish.content.decode()
    assert "Free coffee" in english.content.decode()
    assert english["X-Public-Cache"] == "miss"  # not the Polish page served again


def test_a_conditional_get_with_the_etag_is_answered_304(client, perk):
    first = client.get(PERKS_API, HTTP_ACCEPT="application/json")
    again = client.get(PERKS_API, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_signed_in_user_is_never_served_nor_stored_from_the_cache(client, perk):
    user = UserFactory(first_name="Zofia")
    client.get(reverse("loyalty:perk-list"))  # an anonymous entry exists
    client.force_login(user)
    page = client.get(reverse("loyalty:perk-list"))
    assert "X-Public-Cache" not in page
    assert "Zofia" in page.content.decode()
    client.logout()
    anonymous = client.get(reverse("loyalty:perk-list"))
    assert "Zofia" not in anonymous.content.decode()


def test_a_token_authenticated_api_request_bypasses_the_cache(api, perk, partner):
    from rest_framework.authtoken.models import Token

    from tests.factories import MembershipFactory

    manager = MembershipFactory(business=partner.business, role="manager").user
    hidden = PerkFactory(partner=partner, title_pl="Wycofana", title_en="Withdrawn", is_active=False)
    api.get(PERKS_API)  # anonymous: cached without the inactive perk
    token = Token.objects.create(user=manager)
    answer = api.get(PERKS_API, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert "X-Public-Cache" not in answer
    assert hidden.pk in [p["id"] for p in answer.json()["results"]]


def test_each_visitor_gets_a_csrf_token_of_their_own_that_the_server_accepts(perk):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one = first.get(reverse("loyalty:perk-list"))
    two = second.get(reverse("loyalty:perk-list"))
    assert (one["X-Public-Cache"], two["X-Public-Cache"]) == ("miss", "hit")
    assert two["Cache-Control"].startswith("private")
    token_one = CSRF_INPUT.search(one.content.decode()).group(1)
    token_two = CSRF_INPUT.search(two.content.decode()).group(1)
    assert "csrftoken" in one.cookies and "csrftoken" in two.cookies
    assert one.cookies["csrftoken"].value != two.cookies["csrftoken"].value
    local = getattr(cache, "_cache", None)
    stored = [v for v in local.values() if b"__public_cache_csrf_token__" in v] if isinstance(local, dict) else None
    if stored is not None:  # local memory: the stored page holds the placeholder, no visitor's token
        assert stored and not any(token_one.encode() in v or token_two.encode() in v for v in stored)
    # Each visitor's token works with that visitor's own cookie (the language switch is a CSRF-checked POST).
    ok = second.post(reverse("set_language"), {"language": "en", "next": "/",
                                               "csrfmiddlewaretoken": token_two})
    assert ok.status_code == 302
    crossed = first.post(reverse("set_language"), {"language": "en", "next": "/",
                                                   "csrfmiddlewaretoken": "x" * 64})
    assert crossed.status_code == 403


def test_a_page_showing_a_pending_message_is_neither_served_from_nor_stored_in_the_cache(client, perk, rf):
    client.get(reverse("loyalty:perk-list"))  # cached
    request = rf.get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "You have been logged out.")
    response = client.get("/")  # any response to carry the cookie
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    page = client.get(reverse("loyalty:perk-list"))
    assert "X-Public-Cache" not in page
    assert "You have been logged out." in page.content.decode()


def test_an_unknown_area_is_refused():
    with pytest.raises(ValueError):
        public_cache.bump("no-such-area")


# --- Invalidation: an edit is visible on the next request -------------------------------------------------

def test_an_edited_perk_is_visible_at_once_in_the_api_and_on_the_page(client, perk):
    assert _titles(client.get(PERKS_API, HTTP_ACCEPT="application/json")) == ["Kawa gratis"]
    assert "Kawa gratis" in client.get(reverse("loyalty:perk-list")).content.decode()
    perk.title_pl = "Herbata gratis"
    perk.save()
    answer = client.get(PERKS_API, HTTP_ACCEPT="application/json")
    assert answer["X-Public-Cache"] == "miss"
    assert _titles(answer) == ["Herbata gratis"]
    page = client.get(reverse("loyalty:perk-list")).content.decode()
    assert "Herbata gratis" in page and "Kawa gratis" not in page


def test_a_renamed_partner_business_and_a_deleted_perk_are_visible_at_once(client, perk):
    client.get(PERKS_API, HTTP_ACCEPT="application/json")
    business = perk.partner.business
    business.name = "Piernikarnia Nowa"
    business.save()
    assert client.get(PERKS_API, HTTP_ACCEPT="application/json").json()["results"][0]["partner_name"] == \
        "Piernikarnia Nowa"
    perk.delete()
    assert client.get(PERKS_API, HTTP_ACCEPT="application/json").json()["results"] == []


def test_an_edit_through_the_service_is_visible_after_its_transaction_commits(client, perk, partner,
                                                                            django_capture_on_commit_callbacks):
    from loyalty import services
    from tests.factories import MembershipFactory

    manager = MembershipFactory(business=partner.business, role="manager").user
    client.get(PERKS_API, HTTP_ACCEPT="application/json")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_perk(perk=perk, by=manager, title_pl="Ciastko gratis")
    assert callbacks  # the version is bumped again on commit (a page rendered meanwhile from old rows is dropped)
    assert _titles(client.get(PERKS_API, HTTP_ACCEPT="application/json")) == ["Ciastko gratis"]


def test_a_new_permit_is_visible_at_once_in_the_public_register(client, business):
    season = SeasonFactory(centre=business.centre, year=dt.date.today().year)
    first = client.get(reverse("gardens:register"))
    assert first.status_code == 200
    assert client.get(reverse("gardens:register"))["X-Public-Cache"] == "hit"
    ApplicationFactory(business=business, season=season, status="approved", permit_number="OG/2026/777",
                       period_start=dt.date.today(), period_end=dt.date.today() + dt.timedelta(days=30))
    page = client.get(reverse("gardens:register"))
    assert page["X-Public-Cache"] == "miss"
    assert "OG/2026/777" in page.content.decode()


def test_published_results_are_visible_at_once_on_the_contest_page(client, centre, staff):
    from contests import services

    contest = ContestFactory(centre=centre)
    PhaseFactory(contest=contest, kind="entries")
    VotingRoundFactory(contest=contest, starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                       ends_at=dt.datetime(2020, 1, 2, tzinfo=dt.UTC))
    url = reverse("contests:contest-detail", args=[contest.pk])
    results_link = reverse("contests:results", args=[contest.pk])
    assert results_link not in client.get(url).content.decode()
    assert client.get(url)["X-Public-Cache"] == "hit"
    services.publish_results(contest=contest, by=staff)
    page = client.get(url)
    assert page["X-Public-Cache"] == "miss"
    assert results_link in page.content.decode()
    assert client.get(results_link).status_code == 200


def test_a_vote_does_not_invalidate_the_contest_page_but_a_change_of_centre_does(client, centre):
    from django.utils import timezone

    from contests import services
    from contests.models import RoundEntry
    from tests.contests.factories import EntryFactory

    contest = ContestFactory(centre=centre)
    voting_round = VotingRoundFactory(contest=contest)
    entry = EntryFactory(contest=contest)
    RoundEntry.objects.create(round=voting_round, entry=entry)
    voter = UserFactory(email_verified_at=timezone.now())
    url = reverse("contests:contest-detail", args=[contest.pk])
    client.get(url)
    services.cast_vote(voting_round=voting_round, entry=entry, voter=voter)  # voting day: pages stay cached
    assert client.get(url)["X-Public-Cache"] == "hit"
    centre.office_name = "Biuro Nowe"
    centre.save()
    page = client.get(url)
    assert page["X-Public-Cache"] == "miss" and "Biuro Nowe" in page.content.decode()


def test_a_bump_call_invalidates_what_a_queryset_update_changed(client, perk):
    from loyalty.models import Perk

    client.get(PERKS_API, HTTP_ACCEPT="application/json")
    Perk.objects.filter(pk=perk.pk).update(title_pl="Zmieniona")  # no signal
    assert _titles(client.get(PERKS_API, HTTP_ACCEPT="application/json")) == ["Kawa gratis"]
    public_cache.bump("perks")
    assert _titles(client.get(PERKS_API, HTTP_ACCEPT="application/json")) == ["Zmieniona"]


def test_a_lost_version_key_starts_again_above_every_earlier_version(perk):
    before = public_cache.versions(["perks"])["perks"]
    cache.delete("public:v:perks")
    assert public_cache.versions(["perks"])["perks"] > before


def test_the_open_data_layers_are_cached_and_show_a_new_partner_at_once(client, partner, business):
    url = reverse("open-data-partners-geojson")
    before = client.get(url)
    assert before.status_code == 200
    again = client.get(url)
    assert again["X-Public-Cache"] == "hit" and again["Access-Control-Allow-Origin"] == "*"
    assert again.json() == before.json()
    from tests.factories import BusinessFactory

    PartnerFactory(centre=business.centre, business=BusinessFactory(centre=business.centre, zone=business.zone))
    after = client.get(url)
    assert after["X-Public-Cache"] == "miss"
    assert len(after.json()["features"]) == len(before.json()["features"]) + 1
    csv = client.get(reverse("open-data-partners-csv"))
    assert client.get(reverse("open-data-partners-csv"))["Content-Disposition"] == csv["Content-Disposition"]


# --- Dashboard figures ---------------------------------------------------------------------------------

def test_dashboard_figures_are_kept_per_centre_and_language_until_forgotten(centre, other_centre, settings):
    from django.utils import translation

    calls = []

    def figures(c):
        calls.append(c.pk)
        return [("cards", len(calls))]

    cached = public_cache.cached_figures(figures)
    assert cached(centre) == cached(centre) == [("cards", 1)]
    assert cached(other_centre) == [("cards", 2)]
    with translation.override("en"):
        assert cached(centre) == [("cards", 3)]
    public_cache.forget_figures()
    assert cached(centre) == [("cards", 4)]
    settings.DASHBOARD_FIGURES_SECONDS = 0
    assert cached(centre) == [("cards", 5)] and cached(centre) == [("cards", 6)]


def test_a_cached_value_is_read_again_after_a_change_of_its_area(perk):
    from loyalty.models import Perk

    def titles():
        return sorted(Perk.objects.filter(partner=perk.partner).values_list("title_pl", flat=True))

    assert public_cache.cached_value("perks", f"partner:{perk.partner_id}", titles) == ["Kawa gratis"]
    Perk.objects.filter(pk=perk.pk).update(title_pl="Bez sygnału")  # no signal: still the cached value
    assert public_cache.cached_value("perks", f"partner:{perk.partner_id}", titles) == ["Kawa gratis"]
    perk.refresh_from_db()
    perk.title_pl = "Sernik"
    perk.save()
    assert public_cache.cached_value("perks", f"partner:{perk.partner_id}", titles) == ["Sernik"]


# --- The till: a partner's perks from the cache -----------------------------------------------------------

def test_the_till_reads_the_partners_perks_from_the_cache_and_sees_an_edit_at_once(partner, perk,
                                                                               django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from loyalty import services, tokens
    from tests.factories import MembershipFactory
    from tests.loyalty.factories import CardFactory

    till = MembershipFactory(business=partner.business, role="till").user
    card = CardFactory(centre=partner.centre)
    token = tokens.mint_for_card(card).token
    with CaptureQueriesContext(connection) as cold:
        first = services.verify_card(user=till, partner=partner, token=token, perk_id=perk.pk)
    with CaptureQueriesContext(connection) as warm:
        second = services.verify_card(user=till, partner=partner, token=token, perk_id=perk.pk)
    assert first.accepted is True and second.accepted is True
    assert not any('"loyalty_perk"' in q["sql"] for q in warm.captured_queries)  # the table, quoted
    assert any('"loyalty_perk"' in q["sql"] for q in cold.captured_queries)
    perk.is_active = False
    perk.save()
    third = services.verify_card(user=till, partner=partner, token=token, perk_id=perk.pk)
    assert third.accepted is False and third.perks_today == []


def test_the_till_partner_and_the_role_come_in_one_query(partner, django_assert_num_queries):
    from django.core.exceptions import PermissionDenied

    from loyalty import services
    from tests.factories import MembershipFactory

    till = MembershipFactory(business=partner.business, role="till").user
    with django_assert_num_queries(1):
        assert services.partner_for_till(user=till, partner_id=partner.pk) == partner
    with pytest.raises(PermissionDenied):
        services.partner_for_till(user=UserFactory(), partner_id=partner.pk)
