"""The API's text for people (`*_display`, `*_label`) in the client's language and its formats; the machine fields
beside them stay ISO dates, decimal strings and codes (issue 14)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from gardens.models import GardenApplication
from loyalty.models import Check, Perk
from tests.conftest import client_for
from tests.gardens.factories import ApplicationFactory, SeasonFactory, rate
from tests.loyalty.factories import CardFactory, CheckFactory, PartnerFactory, PerkFactory
from tests.murals.factories import MuralFactory

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


def get(client, url: str, lang: str) -> dict:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, response.content
    return response.json()


def test_garden_application_fee_and_period_in_the_clients_formats(business, owner):
    application = ApplicationFactory(business=business)
    GardenApplication.objects.filter(pk=application.pk).update(
        fee_total=Decimal("12240.00"), fee_gross=Decimal("13600.00"), fee_discount=Decimal("1360.00"),
        fee_discount_percent=Decimal("10.00"), period_start=dt.date(2027, 5, 1))
    url = f"/api/v1/gardens/applications/{application.pk}/"
    pl = get(client_for(owner), url, "pl")["application"]
    en = get(client_for(owner), url, "en")["application"]

    assert pl["fee_total_display"] == f"12{NBSP}240,00{NBSP}zł"
    assert pl["fee_discount_percent_display"] == "10%"
    assert pl["period_start_display"] == "1 maja 2027"
    assert pl["status_label"] == "szkic"
    assert en["fee_total_display"] == f"PLN{NBSP}12,240.00"
    assert en["period_start_display"] == "1 May 2027"
    assert en["status_label"] == "draft"
    for data in (pl, en):  # the machine fields do not change with the language
        assert data["fee_total"] == "12240.00"
        assert data["period_start"] == "2027-05-01"
        assert data["status"] == "draft"


def test_fee_quote_amounts_in_the_clients_formats(centre, zone):
    SeasonFactory(centre=centre, year=2027)
    rate(zone, "40.00")
    body = {"zone": zone.pk, "area_m2": "20.00", "start": "2027-06-01", "end": "2027-06-30"}
    pl = APIClient().post("/api/v1/gardens/fee-quote/", body, format="json", HTTP_ACCEPT_LANGUAGE="pl").json()
    en = APIClient().post("/api/v1/gardens/fee-quote/", body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert pl["total_display"] == f"24{NBSP}000,00{NBSP}zł"
    assert pl["total_display"].endswith(f"{NBSP}zł") and "," in pl["total_display"]
    assert en["total_display"].startswith(f"PLN{NBSP}") and "." in en["total_display"]
    assert pl["periods"][0]["start_display"] == "1 czerwca 2027"
    assert en["periods"][0]["start_display"] == "1 June 2027"
    assert pl["total"] == en["total"] and "," not in pl["total"]


def test_perk_value_kind_and_dates_in_the_clients_words(api):
    partner = PartnerFactory()
    PerkFactory(partner=partner, kind=Perk.Kind.PERCENT, value=Decimal("10"), valid_until=dt.date(2099, 5, 1))
    PerkFactory(partner=partner, kind=Perk.Kind.AMOUNT, value=Decimal("1500"))
    pl = {p["kind"]: p for p in get(api, "/api/v1/loyalty/perks/", "pl")["results"]}
    en = {p["kind"]: p for p in get(api, "/api/v1/loyalty/perks/", "en")["results"]}
    assert pl["percent"]["value_display"] == "10%"
    assert pl["amount"]["value_display"] == f"1{NBSP}500,00{NBSP}zł"
    assert en["amount"]["value_display"] == f"PLN{NBSP}1,500.00"
    assert pl["percent"]["valid_until_display"] == "1 maja 2099"
    assert en["percent"]["valid_until_display"] == "1 May 2099"
    assert pl["percent"]["kind_label"] != en["percent"]["kind_label"] == "percent off"
    assert pl["amount"]["value"] == "1500.00" and pl["percent"]["valid_until"] == "2099-05-01"


def test_card_status_and_validity_in_the_clients_words(resident):
    card = CardFactory(holder=resident, valid_until=dt.date(2028, 12, 1))
    pl = get(client_for(resident), f"/api/v1/loyalty/cards/{card.pk}/", "pl")
    en = get(client_for(resident), f"/api/v1/loyalty/cards/{card.pk}/", "en")
    assert (pl["status"], pl["status_label"], pl["valid_until_display"]) == ("active", "aktywna", "1 grudnia 2028")
    assert (en["status"], en["status_label"], en["valid_until_display"]) == ("active", "active", "1 December 2028")
    assert pl["valid_until"] == en["valid_until"] == "2028-12-01"


def test_check_history_gives_the_refusal_in_words(resident):
    card = CardFactory(holder=resident)
    CheckFactory(card=card, partner=PartnerFactory(centre=card.centre), result=Check.Result.VALID,
                 refusal=Check.Refusal.choices[0][0], accepted=False)
    pl = get(client_for(resident), "/api/v1/loyalty/checks/", "pl")["results"][0]
    en = get(client_for(resident), "/api/v1/loyalty/checks/", "en")["results"][0]
    assert pl["refusal"] == en["refusal"] == Check.Refusal.choices[0][0]
    assert en["refusal_text"] == str(Check.Refusal.choices[0][1])
    assert pl["refusal_text"] and pl["refusal_text"] != en["refusal_text"]
    assert pl["result_label"] != pl["result"]


def test_mural_area_and_history_in_the_clients_formats(api):
    mural = MuralFactory(area_m2=Decimal("1240.50"))
    url = f"/api/v1/murals/murals/{mural.pk}/"
    pl, en = get(api, url, "pl"), get(api, url, "en")
    assert pl["area_display"] == f"1{NBSP}240,50{NBSP}m²"
    assert en["area_display"] == f"1,240.50{NBSP}m²"
    assert pl["area_m2"] == en["area_m2"] == "1240.50"
    assert pl["status"] == en["status"] and pl["status_label"] != en["status_label"]


def test_zone_rates_in_the_clients_formats(api, zone):
    from tests.factories import FeeRateFactory

    FeeRateFactory(zone=zone, price_pln=Decimal("4.50"), valid_from=dt.date(2020, 1, 1))
    pl = get(api, f"/api/v1/fee-rates/?zone={zone.pk}", "pl")
    en = get(api, f"/api/v1/fee-rates/?zone={zone.pk}", "en")
    rows_pl = pl["results"] if isinstance(pl, dict) else pl
    rows_en = en["results"] if isinstance(en, dict) else en
    row_pl = next(r for r in rows_pl if r["price_pln"] == "4.50")
    row_en = next(r for r in rows_en if r["price_pln"] == "4.50")
    assert row_pl["price_display"] == f"4,50{NBSP}zł" and row_en["price_display"] == f"PLN{NBSP}4.50"
    assert row_pl["valid_from_display"] == "1 stycznia 2020" and row_en["valid_from_display"] == "1 January 2020"


def test_contest_phases_in_the_clients_words(api):
    from tests.contests.factories import ContestFactory

    contest = ContestFactory()
    pl = get(api, f"/api/v1/contests/contests/{contest.pk}/", "pl")
    en = get(api, f"/api/v1/contests/contests/{contest.pk}/", "en")
    assert pl["kind"] == en["kind"]
    assert pl["kind_label"] != en["kind_label"]
    for phase_pl, phase_en in zip(pl["phases"], en["phases"], strict=True):
        assert phase_pl["kind_label"] != phase_en["kind_label"]
        assert phase_pl["starts_at"] == phase_en["starts_at"]
        assert phase_pl["starts_at_display"] and "T" not in phase_pl["starts_at_display"]
