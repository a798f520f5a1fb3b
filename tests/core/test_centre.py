"""core.centre.staff_centre: the one picker of the centre a staff member is looking at, remembered in the session
across the office's pages (dashboard, imports, Moja Starówka figures) and the figures API."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse

from centres.models import Centre
from core.centre import SESSION_KEY, staff_centre
from tests.factories import CentreFactory, StaffFactory
from tests.loyalty.factories import CardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_centres():
    return CentreFactory(name="Alfa", slug="alfa"), CentreFactory(name="Beta", slug="beta")


def _request(query: dict | None = None, remembered: str | None = None):
    request = RequestFactory().get("/", query or {})
    request.session = SessionStore()
    if remembered:
        request.session[SESSION_KEY] = remembered
    request.session.save()
    return request


def test_the_first_centre_by_name_when_nothing_is_asked_or_remembered(two_centres):
    assert staff_centre(_request(), Centre.objects.all()) == two_centres[0]


def test_the_centre_asked_for_is_remembered(two_centres):
    request = _request({"centre": "beta"})
    assert staff_centre(request, Centre.objects.all()) == two_centres[1]
    assert request.session[SESSION_KEY] == "beta"
    assert staff_centre(_request(remembered="beta"), Centre.objects.all()) == two_centres[1]


def test_a_centre_not_among_the_staffs_is_404_and_a_stale_memory_falls_back(two_centres):
    alfa_only = Centre.objects.filter(slug="alfa")
    with pytest.raises(Http404):
        staff_centre(_request({"centre": "beta"}), alfa_only)
    assert staff_centre(_request(remembered="beta"), alfa_only) == two_centres[0]
    with pytest.raises(Http404):
        staff_centre(_request(), Centre.objects.none())


def test_an_explicit_wanted_slug_wins_over_the_query(two_centres):
    assert staff_centre(_request({"centre": "alfa"}), Centre.objects.all(), wanted="beta") == two_centres[1]


def test_the_choice_follows_the_staff_member_from_page_to_page(two_centres):
    alfa, beta = two_centres
    client = Client()
    client.force_login(StaffFactory(centres=[alfa, beta]))
    assert client.get(reverse("office:dashboard")).context["centre"] == alfa
    assert client.get(reverse("office:dashboard"), {"centre": "beta"}).context["centre"] == beta
    assert client.get(reverse("office:imports")).context["centre"] == beta
    assert client.get(reverse("loyalty:office-figures")).context["centre"] == beta
    CardFactory(centre=beta)
    url = "/api/v1/loyalty/figures/office/"
    remembered = client.get(url).json()["headline"]
    assert remembered == client.get(url, {"centre": "beta"}).json()["headline"]
    assert remembered != client.get(url, {"centre": "alfa"}).json()["headline"]
    assert client.get("/api/v1/loyalty/figures/office/", {"centre": "nowhere"}).status_code == 404
    assert client.get(reverse("loyalty:office-figures"), {"centre": "alfa"}).context["centre"] == alfa
    assert client.get(reverse("office:dashboard")).context["centre"] == alfa
