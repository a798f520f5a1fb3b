"""The office dashboard: staff only, scoped to the centre, true figures, a fixed number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from centres.models import Business, Centre, FeeRate, Zone
from centres.selectors import rate_on, today
from portal import dashboard
from tests.factories import BusinessFactory, FeeRateFactory, StaffFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dashboard_is_for_the_centres_office_staff_only(centre, staff, other_staff, resident):
    url = reverse("office:dashboard")
    assert Client().get(url).status_code == 302
    assert client_as(resident).get(url).status_code == 404
    assert client_as(staff).get(url).status_code == 200
    assert client_as(other_staff).get(url, {"centre": centre.slug}).status_code == 404
    csv_url = reverse("office:chart-csv", args=["businesses-per-zone"])
    assert client_as(resident).get(csv_url).status_code == 404
    assert client_as(other_staff).get(csv_url, {"centre": centre.slug}).status_code == 404


def test_figures_are_the_staff_centres_only(centre, other_centre, staff):
    zone = ZoneFactory(centre=centre, name="Starówka")
    BusinessFactory.create_batch(3, centre=centre, zone=zone)
    BusinessFactory(centre=other_centre)
    chart = dashboard.build(centre)["businesses-per-zone"]
    assert chart.rows == [("Starówka", 3)]
    page = client_as(staff).get(reverse("office:dashboard")).content.decode()
    assert "<svg" in page and "Starówka" in page


def test_garden_rate_chart_uses_the_rate_in_force_today(centre):
    old, current = ZoneFactory(centre=centre, name="A"), ZoneFactory(centre=centre, name="B")
    FeeRateFactory(zone=old, price_pln=Decimal("1.00"), valid_from=dt.date(2000, 1, 1), valid_to=dt.date(2001, 1, 1))
    FeeRateFactory(zone=current, price_pln=Decimal("3.00"), valid_from=dt.date(2000, 1, 1), valid_to=dt.date(2001, 1, 1))
    FeeRateFactory(zone=current, price_pln=Decimal("4.00"), valid_from=dt.date(2001, 1, 2))
    assert dashboard.build(centre)["garden-rates-per-zone"].rows == [("B", Decimal("4.00")), ("A", None)]


def test_chart_csv_has_the_table_numbers(centre, staff):
    zone = ZoneFactory(centre=centre, name="Starówka")
    BusinessFactory.create_batch(2, centre=centre, zone=zone)
    response = client_as(staff).get(reverse("office:chart-csv", args=["businesses-per-zone"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1:] == [["Starówka", "2"]]
    assert client_as(staff).get(reverse("office:chart-csv", args=["no-such-chart"])).status_code == 404


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_does_a_fixed_number_of_queries_whatever_the_data_size(centre, staff,
                                                                          django_assert_max_num_queries):
    client = client_as(staff)
    url = reverse("office:dashboard")
    client.get(url)  # warm the session and the user's centres
    small = _count_queries(client, url, django_assert_max_num_queries, 12)
    for n in range(5):
        BusinessFactory.create_batch(4, centre=centre, zone=ZoneFactory(centre=centre, name=f"Strefa {n}"))
    larger = _count_queries(client, url, django_assert_max_num_queries, 12)
    assert larger == small


def test_dashboard_figures_match_direct_queries_on_the_demo_data():
    call_command("seed_demo", stdout=io.StringIO())
    centre = Centre.objects.get(code="TOR")
    board = dashboard.build(centre)
    expected = dict(Business.objects.filter(centre=centre, is_active=True).values_list("zone__name")
                    .annotate(n=Count("id")))
    assert dict(board["businesses-per-zone"].rows) == expected
    labels = dict(Business.Category.choices)
    by_category = {labels[c]: n for c, n in Business.objects.filter(centre=centre, is_active=True)
                   .values_list("category").annotate(n=Count("id"))}
    assert dict(board["businesses-per-category"].rows) == by_category
    for zone in Zone.objects.filter(centre=centre):
        rate = rate_on(zone=zone, use=FeeRate.Use.CAFE_GARDEN, day=today())
        assert dict(board["garden-rates-per-zone"].rows)[zone.name] == (rate.price_pln if rate else None)
    staff = StaffFactory(centres=[centre])
    page = client_as(staff).get(reverse("office:dashboard")).content.decode()
    for chart in board.values():
        assert str(chart.title) in page
