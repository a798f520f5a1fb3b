"""A status word whose Polish form follows the grammatical gender of what it describes is right on each page:
a card (karta, feminine), an application (wniosek, masculine), a permit (zezwolenie, neuter) and a contest entry
(zgłoszenie, neuter). One English word, several Polish forms: the code gives each a context (pgettext), so one
catalogue holds them all without one form winning everywhere (a revoked permit once read “unieważniona”)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gardens.models import GardenApplication
from tests.contests.factories import ContestFactory, EntryFactory, approved_garden
from tests.factories import UserFactory
from tests.gardens.factories import ApplicationFactory
from tests.loyalty.factories import CardFactory

pytestmark = pytest.mark.django_db


def polish_page(user, url: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def badges(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r'class="badge[^"]*">([^<]*)<', html)]


@pytest.mark.parametrize(("status", "word"), [("active", "aktywna"), ("suspended", "zawieszona"),
                                              ("revoked", "unieważniona")])
def test_a_card_status_is_feminine_on_my_card(centre, status, word):
    card = CardFactory(centre=centre, status=status, holder=UserFactory(language="pl"))
    html = polish_page(card.holder, reverse("loyalty:my-card"))
    shown = re.search(r"<dt>Status</dt><dd>([^<]*)</dd>", html)
    assert shown is not None and shown.group(1).strip() == word


@pytest.mark.parametrize(("status", "word"), [("submitted", "złożony"), ("approved", "zatwierdzony"),
                                              ("revoked", "cofnięty"), ("withdrawn", "wycofany")])
def test_an_application_status_is_masculine_on_the_owners_list(business, owner, status, word):
    if status in ("approved", "revoked"):
        approved_garden(centre=business.centre, business=business, status=status)
    else:
        application = ApplicationFactory(business=business)
        GardenApplication.objects.filter(pk=application.pk).update(status=status, submitted_at=timezone.now())
    assert word in badges(polish_page(owner, reverse("gardens:application-list")))


@pytest.mark.parametrize(("status", "word", "wrong"), [("approved", "Ważne", "Ważność"),
                                                       ("revoked", "Cofnięte", "Unieważniona")])
def test_a_permit_status_is_neuter_on_the_public_check(centre, status, word, wrong):
    year = timezone.localdate().year
    permit = approved_garden(centre=centre, year=year, status=status)
    GardenApplication.objects.filter(pk=permit.pk).update(period_start=dt.date(year, 1, 1),
                                                          period_end=dt.date(year, 12, 31))
    shown = badges(polish_page(None, reverse("gardens:verify", args=[permit.verification_token])))
    assert word in shown and wrong not in shown


@pytest.mark.parametrize(("status", "word"), [("submitted", "zgłoszone"), ("winner", "zwycięskie")])
def test_an_entry_status_is_neuter_on_my_contests(centre, status, word):
    entry = EntryFactory(contest=ContestFactory(centre=centre), status=status,
                         submitted_by=UserFactory(language="pl"))
    assert word in badges(polish_page(entry.submitted_by, reverse("contests:my-contests")))
