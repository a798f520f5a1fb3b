"""No "---------" on a page's form: a required choice says what to choose; months of the figures read as words on
the dashboard ("grudzień 2026"), as "2026-12" only in the machine CSV (issue 14)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from contests.forms import ConflictForm
from core import formats
from loyalty.forms import PerkForm
from tests.contests.factories import ContestFactory
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_perk_form_asks_for_the_kind_in_words():
    with translation.override("pl"):
        html = str(PerkForm()["kind"])
    assert "---------" not in html and "— wybierz rodzaj —" in html


def test_the_conflict_form_asks_for_the_entry_in_words():
    with translation.override("pl"):
        html = str(ConflictForm(contest=ContestFactory())["entry"])
    assert "---------" not in html and "— wybierz zgłoszenie —" in html


def test_dashboard_months_are_words_and_iso_only_for_machines(centre):
    staff = StaffFactory(centres=[centre])
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(staff)
    page = client.get(reverse("office:dashboard"), {"centre": centre.slug}).content.decode()
    this_month = formats.month(timezone.localdate(), lang="pl")
    assert f'<span class="bar-label">{this_month}</span>' in page
    assert f"{timezone.localdate():%Y-%m}" not in page
    url = reverse("office:chart-csv", args=["cards-and-uses-per-month"])
    assert this_month in client.get(url, {"centre": centre.slug}).content.decode("utf-8-sig")
    machines = client.get(url, {"centre": centre.slug, "for": "machines"}).content.decode("utf-8-sig")
    assert f"{timezone.localdate():%Y-%m};" in machines


def test_the_figures_api_keeps_months_as_iso_text(centre):
    from tests.conftest import client_for
    from tests.loyalty.factories import CheckFactory, PartnerFactory

    CheckFactory(partner=PartnerFactory(centre=centre))
    staff = StaffFactory(centres=[centre])
    body = client_for(staff).get("/api/v1/loyalty/figures/office/", {"centre": centre.slug}).json()
    per_month = next(t for t in body["tables"] if t["key"] == "checks-per-month")
    assert per_month["rows"][-1][0] == f"{timezone.localdate():%Y-%m}"
