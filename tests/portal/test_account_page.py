"""The account page on a phone and in Polish formats: the sessions table scrolls inside its box (a long browser name
pushed the page to 521 px on a 390 px phone) and the API token's dates read "02.12.2026 14:30" (issue 14)."""

import re

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_account_page_wraps_the_sessions_and_prints_token_dates_the_polish_way():
    user = UserFactory()
    token = Token.objects.create(user=user)
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(user)
    page = client.get("/konto/").content.decode()
    assert '<div class="table-scroll"' in page and 'class="table sessions"' in page
    created = token.created.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Warsaw"))
    assert created.strftime("%d.%m.%Y %H:%M") in page
    assert not re.search(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}", page), "not Django's d-m-Y"


def test_till_staff_are_not_offered_the_pages_of_owners_and_managers(business):
    from tests.factories import MembershipFactory

    till = MembershipFactory(business=business, role="till").user
    owner = MembershipFactory(business=business, role="owner").user
    pages = {}
    for who, user in (("till", till), ("owner", owner)):
        client = Client(HTTP_ACCEPT_LANGUAGE="pl")
        client.force_login(user)
        pages[who] = client.get("/konto/").content.decode()
    assert "/moja-starowka/kasa/" in pages["till"] and "/moja-starowka/partner/" not in pages["till"]
    assert "/moja-starowka/partner/" in pages["owner"]
