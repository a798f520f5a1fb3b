"""CSV meant for people reads in Polish words and formats on a Polish page (column names, status words, Tak/Nie,
"4,50 zł", "01.05.2027"); the export for machines beside it keeps column keys, codes and ISO dates (issue 14)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import formats
from gardens import services as garden_services
from office.roles import ensure_office_staff_group
from tests.factories import FeeRateFactory, StaffFactory, ZoneFactory
from tests.gardens.factories import ready_application
from tests.loyalty.factories import CheckFactory, PartnerFactory
from tests.murals.factories import MuralFactory

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def office_staff(centre):
    staff = StaffFactory(centres=[centre])
    staff.groups.add(ensure_office_staff_group())
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(staff)
    return client


def test_office_dataset_csv_to_read_is_in_polish_words_and_formats(office_staff, centre, zone):
    FeeRateFactory(zone=zone, price_pln=Decimal("1240.50"), valid_from=dt.date(2027, 5, 1))
    url = reverse("office:export", args=["rates", "csv"])
    readable = rows_of(office_staff.get(url, {"centre": centre.slug, "for": "people"}))
    plain = rows_of(office_staff.get(url, {"centre": centre.slug}))

    assert plain[0][:4] == ["zone", "use", "price_pln", "valid_from"] and "2027-05-01" in plain[1]
    assert "cafe_garden" in plain[1]
    header, row = readable[0], readable[1]
    assert "valid_from" not in header and "Obowiązuje od" in header
    assert row[header.index("Obowiązuje od")] == "01.05.2027"
    assert row[header.index("Przeznaczenie")] == "ogródek gastronomiczny"
    assert f"1{NBSP}240,50{NBSP}zł" in row


def test_office_dataset_csv_to_read_says_tak_and_names_every_column(office_staff, centre):
    PartnerFactory(centre=centre, agreement_start=dt.date(2027, 5, 1))
    url = reverse("office:export", args=["partners", "csv"])
    header, row = rows_of(office_staff.get(url, {"centre": centre.slug, "for": "people"}))[:2]
    assert not any("_" in column for column in header), header  # no column key such as business_nip
    assert "Tak" in row and "1" not in row
    assert "01.05.2027" in row


def test_the_imports_page_offers_csv_and_xlsx_to_read_and_for_import(office_staff, centre):
    page = office_staff.get(reverse("office:imports"), {"centre": centre.slug}).content.decode()
    to_read = reverse("office:export", args=["rates", "csv"]) + f"?centre={centre.slug}&amp;for=people"
    plain = reverse("office:export", args=["rates", "csv"]) + f"?centre={centre.slug}\""
    assert to_read in page and plain in page


def test_dashboard_chart_csv_prints_money_the_polish_way_and_plain_for_machines(office_staff, centre):
    zone = ZoneFactory(centre=centre, name="Starówka")
    FeeRateFactory(zone=zone, price_pln=Decimal("4.50"), valid_from=dt.date(2000, 1, 1))
    url = reverse("office:chart-csv", args=["garden-rates-per-zone"])
    readable = rows_of(office_staff.get(url, {"centre": centre.slug}))
    plain = rows_of(office_staff.get(url, {"centre": centre.slug, "for": "machines"}))
    assert ["Starówka", f"4,50{NBSP}zł"] in readable
    assert ["Starówka", "4.50"] in plain or ["Starówka", "4.5"] in plain  # plain decimals, no "zł"


def test_programme_figures_csv_is_in_polish_formats(office_staff, centre):
    partner = PartnerFactory(centre=centre)
    CheckFactory.create_batch(2, partner=partner)
    url = reverse("loyalty:office-figures-csv", args=["checks-per-month"])
    readable = rows_of(office_staff.get(url, {"centre": centre.slug}))
    assert readable[0] == ["Miesiąc", "Sprawdzenia", "Przyjęte użycia"] or readable[0][0] == "Miesiąc"
    assert readable[1][0] == formats.month(timezone.localdate(), lang="pl"), readable  # "grudzień 2026", not ISO
    assert rows_of(office_staff.get(url, {"centre": centre.slug, "for": "machines"}))[1][0] == f"{timezone.localdate():%Y-%m}"


def test_garden_admin_csv_to_read_has_polish_columns_status_words_and_money(business, owner, centre):
    application = ready_application(business=business)
    garden_services.transition(application=application, to="submitted", by=owner)
    staff = StaffFactory(centres=[centre])
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(staff)
    changelist = reverse("admin:gardens_gardenapplication_changelist")
    readable = rows_of(client.post(changelist, {"action": "export_csv_for_people",
                                                "_selected_action": [application.pk]}))
    plain = rows_of(client.post(changelist, {"action": "export_csv", "_selected_action": [application.pk]}))
    assert plain[0][0] == "permit_number" and "submitted" in plain[1]
    header, row = readable[0], readable[1]
    assert "permit_number" not in header and "status" not in header
    assert "złożony" in row and "submitted" not in row
    assert any(cell.endswith(f"{NBSP}zł") for cell in row), row
    assert application.period_start.strftime("%d.%m.%Y") in row


def test_mural_register_csv_to_read_has_polish_columns_and_status_words(centre):
    mural = MuralFactory(centre=centre, title="Flisacy", area_m2=Decimal("1240.50"))
    staff = StaffFactory(centres=[centre])
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(staff)
    changelist = reverse("admin:murals_mural_changelist")
    readable = rows_of(client.post(changelist, {"action": "export_register_csv_for_people",
                                                "_selected_action": [mural.pk]}))
    plain = rows_of(client.post(changelist, {"action": "export_register_csv", "_selected_action": [mural.pk]}))
    assert "title" in plain[0] and mural.status in plain[1]
    header, row = readable[0], readable[1]
    assert "title" not in header and "status" not in header
    assert mural.status not in row and str(mural.get_status_display()) not in ("", None)
    assert f"1{NBSP}240,50" in row
