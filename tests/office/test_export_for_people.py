"""The export for people has Polish column headers and choice labels; the plain one keeps keys and codes."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from office.roles import ensure_office_staff_group
from tests.factories import BusinessFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _sheet(content: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_businesses_export_for_people_is_in_polish_words(centre, zone):
    BusinessFactory(centre=centre, zone=zone, category="shop")
    staff = StaffFactory(centres=[centre])
    staff.groups.add(ensure_office_staff_group())
    client = Client()
    client.force_login(staff)
    url = reverse("office:export", args=["businesses", "xlsx"])
    readable = _sheet(client.get(url, {"centre": centre.slug, "for": "people"}, HTTP_ACCEPT_LANGUAGE="pl").content)
    plain = _sheet(client.get(url, {"centre": centre.slug}, HTTP_ACCEPT_LANGUAGE="pl").content)
    assert "building_number" in plain[0] and "shop" in plain[1], "the machine export keeps keys and codes"
    assert "building_number" not in readable[0] and "category" not in readable[0]
    assert "shop" not in readable[1] and "sklep" in readable[1]
