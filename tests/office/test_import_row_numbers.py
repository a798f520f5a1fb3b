"""The import preview numbers rows as its own error list does: as in the spreadsheet, the header being row 1."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from office import imports
from tests.factories import StaffFactory
from tests.office.test_imports import HEADER, business_rows, csv_upload, street  # noqa: F401

pytestmark = pytest.mark.django_db


def test_preview_and_error_list_give_the_bad_row_the_same_number(centre, street):  # noqa: F811
    from office.roles import ensure_office_staff_group

    staff = StaffFactory(centres=[centre])
    staff.groups.add(ensure_office_staff_group())
    bad = "5260000001,Zła Kawiarnia,Szeroka,1,,cafe,not-an-email,,,1\n"
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses",
                               upload=csv_upload(HEADER + business_rows(street, 2) + bad))
    client = Client()
    client.force_login(staff)
    body = client.get(reverse("office:import-job", args=[job["id"]])).content.decode()
    error_rows = {int(n) for n in re.findall(r'<tr class="row-error"><td>(\d+)</td><td>[^<]*</td><td>[^<]*</td></tr>',
                                             body)}
    preview = body[body.index('id="preview-title"'):]
    first_cells = [int(n) for n in re.findall(r"<tr[^>]*><td>(\d+)</td>", preview)]
    assert error_rows, "the bad row is listed among the errors"
    assert first_cells == [2, 3, 4], "data rows start at 2, after the header"
    assert error_rows <= set(first_cells)
