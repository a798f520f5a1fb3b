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
from django.utils import timezone, translation

from centres.models import Business, Centre, FeeRate, Zone
from centres.selectors import rate_on, today
from contests.models import Contest, Phase, Vote
from core import office as registry
from gardens.models import GardenApplication
from loyalty.models import Card, Check
from office import dashboard
from tests.contests.factories import ContestFactory, PhaseFactory, VoteFactory, VotingRoundFactory, approved_garden
from tests.factories import BusinessFactory, FeeRateFactory, StaffFactory, ZoneFactory
from tests.gardens.factories import ApplicationFactory, SeasonFactory
from tests.loyalty.factories import CardFactory, CheckFactory, PartnerFactory, PerkFactory

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
    assert 'class="bars"' in page and "Starówka" in page


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
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [["Starówka", "2"]]
    assert client_as(staff).get(reverse("office:chart-csv", args=["no-such-chart"])).status_code == 404


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(centre, n: int) -> None:
    """More of everything the dashboard counts: businesses, partners' checks, cards, applications, votes."""
    zone = ZoneFactory(centre=centre, name=f"Strefa {n}")
    BusinessFactory.create_batch(3, centre=centre, zone=zone)
    perk = PerkFactory(partner=PartnerFactory(centre=centre))
    for _i in range(3):
        CheckFactory(partner=perk.partner, perk=perk, accepted=True, card=CardFactory(centre=centre))
    application = ApplicationFactory(business=BusinessFactory(centre=centre, zone=zone),
                                     season=SeasonFactory(centre=centre, year=2026))
    GardenApplication.objects.filter(pk=application.pk).update(
        status=GardenApplication.Status.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=10 * n))
    approved_garden(centre=centre, business=BusinessFactory(centre=centre, zone=zone))
    contest = ContestFactory(centre=centre)
    PhaseFactory(contest=contest, kind=Phase.Kind.VOTING)
    VoteFactory.create_batch(2, round=VotingRoundFactory(contest=contest))


def test_dashboard_does_a_fixed_number_of_queries_whatever_the_data_size(centre, staff,
                                                                          django_assert_max_num_queries):
    client = client_as(staff)
    url = reverse("office:dashboard")
    _grow(centre, 0)
    client.get(url)  # warm the session and the user's centres
    # About one query per registered chart (the apps may register more), plus a fixed dozen: the session, the
    # user, their centres, the headline figures, a chart of two aggregates.
    limit = 12 + len(registry.charts())
    small = _count_queries(client, url, django_assert_max_num_queries, limit)
    for n in range(1, 5):
        _grow(centre, n)
    larger = _count_queries(client, url, django_assert_max_num_queries, limit)
    assert larger == small


def test_waiting_applications_are_banded_by_days_since_submission(centre):
    season = SeasonFactory(centre=centre, year=2026)
    approved_garden(centre=centre)
    for days, status in ((2, "submitted"), (10, "in_review"), (45, "submitted"), (3, "draft")):
        application = ApplicationFactory(business=BusinessFactory(centre=centre), season=season)
        GardenApplication.objects.filter(pk=application.pk).update(
            status=status, submitted_at=timezone.now() - dt.timedelta(days=days))
    rows = [n for _label, n in dashboard.build(centre)["applications-waiting"].rows]
    assert rows == [1, 1, 0, 1]
    with translation.override("en"):
        assert {str(k): v for k, v in dashboard.headline(centre)}["applications wait for review"] == 3


def test_running_contests_count_valid_votes_and_leave_out_finished_ones(centre):
    running, finished = ContestFactory(centre=centre, title_pl="Trwa"), ContestFactory(centre=centre, title_pl="Było")
    PhaseFactory(contest=running, kind=Phase.Kind.VOTING)
    PhaseFactory(contest=finished, kind=Phase.Kind.RESULTS, starts_at=timezone.now() - dt.timedelta(days=2))
    voting_round = VotingRoundFactory(contest=running)
    VoteFactory.create_batch(3, round=voting_round)
    VoteFactory(round=voting_round, voided_at=timezone.now(), void_reason="duplicate")
    assert dashboard.build(centre)["running-contests"].rows == [("Trwa", 3)]


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

    # Café gardens: the waiting queue, the fees with their green discount, the area per street.
    waiting = GardenApplication.objects.filter(season__centre=centre, status__in=["submitted", "in_review"])
    assert sum(n for _label, n in board["applications-waiting"].rows) == waiting.count()
    issued = list(GardenApplication.objects.filter(season__centre=centre, status__in=["approved", "revoked"]))
    fees = board["permits-and-fees"]
    assert sum(row[1] for row in fees.rows) == len(issued) > 0
    assert sum(row[4] for row in fees.rows) == sum(a.fee_discount for a in issued) > 0
    assert sum(row[5] for row in fees.rows) == sum(a.fee_total for a in issued)
    approved = [a for a in issued if a.status == "approved"]
    latest = max(a.season.year for a in approved)
    per_street: dict[str, Decimal] = {}
    for a in approved:
        if a.season.year == latest:
            per_street[a.street.name] = per_street.get(a.street.name, Decimal(0)) + a.area_m2
    assert {row[0]: row[1] for row in board["garden-area-per-street"].rows} == per_street

    # Moja Starówka: the last twelve months of cards and uses, the top perks and partners.
    months = {row[0].isoformat(): (row[1], row[2]) for row in board["cards-and-uses-per-month"].rows}  # core.formats.Month
    assert len(months) == 12
    this_month = f"{today():%Y-%m}"
    assert months[this_month][1] == Check.objects.filter(
        partner__centre=centre, accepted=True, day__gte=today().replace(day=1)).count()
    first_month = min(months)
    since = dt.date.fromisoformat(first_month + "-01")
    assert sum(c for c, _u in months.values()) == sum(
        1 for c in Card.objects.filter(centre=centre) if timezone.localdate(c.created_at) >= since)
    assert sum(u for _c, u in months.values()) == Check.objects.filter(
        partner__centre=centre, accepted=True, day__gte=since).count()
    top = Check.objects.filter(partner__centre=centre, accepted=True).values("perk").annotate(n=Count("id"))
    assert board["top-perks"].rows[0][2] == max(r["n"] for r in top)
    uses = Check.objects.filter(partner__centre=centre, accepted=True).values("partner").annotate(n=Count("id"))
    assert board["top-partners"].rows[0][1] == max(r["n"] for r in uses)

    # Contests: every running contest with its valid votes.
    now = timezone.now()
    running = {c.title_pl: Vote.objects.filter(round__contest=c, voided_at__isnull=True).count()
               for c in Contest.objects.filter(centre=centre)
               if c.phases.filter(starts_at__lte=now).exists()
               and not c.phases.filter(kind="results", starts_at__lte=now).exists()}
    assert dict(board["running-contests"].rows) == running and running

    staff = StaffFactory(centres=[centre])
    page = client_as(staff).get(reverse("office:dashboard")).content.decode()
    for chart in board.values():
        assert str(chart.title) in page
