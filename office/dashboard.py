"""Figures of the office's dashboard, one centre at a time.

Each chart is one aggregate query (through the apps' selectors where they offer the figure), so the page does the
same number of queries whatever the data size. A chart carries its numbers as rows, which the page shows as an
inline SVG bar chart, as a table and as a CSV download.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from centres.models import Business, Centre, FeeRate, Zone
from centres.selectors import today
from contests.models import Contest, Phase, Vote
from gardens.models import GardenApplication
from gardens.selectors import fee_totals
from loyalty.models import Card, Check

MONTHS_SHOWN = 12
BAR_MAX = 280  # of the chart's 640 units: 230 for the label, the rest for the value after the bar
TOP_N = 10
WAIT_BANDS = ((0, 7), (8, 14), (15, 30), (31, None))  # days since submission


@dataclass
class Chart:
    """A titled table of figures; `value_index` is the column drawn as bars."""

    key: str
    title: str | Promise
    columns: list[str | Promise]
    rows: list[tuple]
    value_index: int = 1
    description: str | Promise = ""
    unit: str | Promise = ""
    headline: list[tuple[str | Promise, object]] = field(default_factory=list)

    def csv_rows(self) -> list[list[str]]:
        return [["" if v is None else str(v) for v in row] for row in self.rows]

    @property
    def bars(self) -> list[dict]:
        """Each row's label, drawn value, and bar length in SVG units (BAR_MAX for the largest value)."""
        values = [_number(row[self.value_index]) for row in self.rows]
        top = max(values, default=0) or 1
        return [{"label": row[0], "value": row[self.value_index], "width": round(BAR_MAX * v / top),
                 "y": 8 + i * 28} for i, (row, v) in enumerate(zip(self.rows, values, strict=True))]

    @property
    def height(self) -> int:
        return 16 + 28 * max(len(self.rows), 1)


def _two_places(value) -> Decimal | None:
    """Sums of money and area to the grosz and the cm² (SQLite's SUM of decimals comes back as a float)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _number(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, Decimal | int | float):
        return float(value)
    return 0.0


# --- The charts ---------------------------------------------------------------------------------------

def businesses_per_zone(centre: Centre) -> Chart:
    rows = list(Business.objects.filter(centre=centre, is_active=True).values_list("zone__name")
                .annotate(n=Count("pk")).order_by("-n", "zone__name"))
    return Chart("businesses-per-zone", _("Active businesses per fee zone"), [_("Zone"), _("Businesses")], rows)


def businesses_per_category(centre: Centre) -> Chart:
    labels = dict(Business.Category.choices)
    rows = [(labels.get(code, code), n) for code, n in
            Business.objects.filter(centre=centre, is_active=True).values_list("category")
            .annotate(n=Count("pk")).order_by("-n", "category")]
    return Chart("businesses-per-category", _("Active businesses per category"), [_("Category"), _("Businesses")],
                 rows)


def garden_rates_per_zone(centre: Centre) -> Chart:
    """The café-garden rate in force today in each zone (PLN per m² per day), as the fee quote uses it."""
    day = today()
    in_force = (FeeRate.objects.filter(zone=OuterRef("pk"), use=FeeRate.Use.CAFE_GARDEN, valid_from__lte=day)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("-valid_from"))
    rows = list(Zone.objects.filter(centre=centre).annotate(price=Subquery(in_force.values("price_pln")[:1]))
                .order_by(F("price").desc(nulls_last=True), "name").values_list("name", "price"))
    return Chart("garden-rates-per-zone", _("Café-garden rate in force per zone"),
                 [_("Zone"), _("PLN per m² per day")], rows, unit="PLN")


def _waiting(centre: Centre):
    return GardenApplication.objects.filter(season__centre=centre, status__in=GardenApplication.WAITING_STATUSES)


def applications_waiting(centre: Centre) -> Chart:
    """Applications submitted or in review, by how long they have waited since submission: one aggregate."""
    now = timezone.now()
    counts = {}
    for low, high in WAIT_BANDS:
        band = Q(submitted_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            band &= Q(submitted_at__gt=now - dt.timedelta(days=high + 1))
        counts[f"w{low}"] = Count("pk", filter=band)
    figures = _waiting(centre).aggregate(**counts)
    labels = [_("up to 7 days"), _("8 to 14 days"), _("15 to 30 days"), _("over 30 days")]
    rows = [(label, figures[f"w{low}"]) for label, (low, _high) in zip(labels, WAIT_BANDS, strict=True)]
    return Chart("applications-waiting", _("Café-garden applications waiting for review"),
                 [_("Waiting for"), _("Applications")], rows,
                 description=_("Submitted or in review, counted from the day of submission."))


def permits_and_fees(centre: Centre) -> Chart:
    """Issued permits per season and zone with their fees and the green discount given (PLN)."""
    rows = [(f"{r['season__year']} · {r['zone__name']}", r["permits"], _two_places(r["area"]),
             _two_places(r["gross"]), _two_places(r["discount"]), _two_places(r["total"]))
            for r in fee_totals(centre_ids={centre.pk})]
    return Chart("permits-and-fees", _("Café-garden permits and fees per season and zone"),
                 [_("Season and zone"), _("Permits"), _("Area (m²)"), _("Fee before discount (PLN)"),
                  _("Green discount (PLN)"), _("Fee due (PLN)")], rows, value_index=5, unit="PLN",
                 description=_("Approved permits, and those revoked after approval; the green discount is the "
                               "reduction for gardens with confirmed plants."))


def garden_area_per_street(centre: Centre) -> Chart:
    """Area of the permitted gardens of the latest season with permits, per street."""
    permits = GardenApplication.objects.filter(season__centre=centre, status=GardenApplication.Status.APPROVED)
    latest = permits.aggregate(year=Max("season__year"))["year"]
    rows = [(street, _two_places(area), n) for street, area, n in permits.filter(season__year=latest)
            .annotate(street_name=Coalesce("street__name", Value(str(_("(address outside the street list)")))))
            .values_list("street_name").annotate(area=Sum("area_m2"), n=Count("pk"))
            .order_by("-area", "street_name")] if latest else []
    return Chart("garden-area-per-street", _("Area of café gardens per street"),
                 [_("Street"), _("Area (m²)"), _("Permits")], rows, unit="m²",
                 description=_("Approved permits of the season %(year)s.") % {"year": latest} if latest else "")


def _last_months() -> list[dt.date]:
    first = today().replace(day=1)
    months = []
    for _i in range(MONTHS_SHOWN):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _month_key(value) -> dt.date:
    return value.date().replace(day=1) if isinstance(value, dt.datetime) else value.replace(day=1)


def cards_and_uses_per_month(centre: Centre) -> Chart:
    """New cards (by application date) and accepted perk uses, month by month over the last year: two aggregates."""
    months = _last_months()
    since = months[0]
    cards = {_month_key(m): n for m, n in Card.objects.filter(centre=centre, created_at__date__gte=since)
             .annotate(month=TruncMonth("created_at")).values_list("month").annotate(n=Count("pk"))}
    uses = {_month_key(m): n for m, n in Check.objects.filter(partner__centre=centre, accepted=True, day__gte=since)
            .annotate(month=TruncMonth("day")).values_list("month").annotate(n=Count("pk"))}
    rows = [(f"{m:%Y-%m}", cards.get(m, 0), uses.get(m, 0)) for m in months]
    return Chart("cards-and-uses-per-month", _("New Moja Starówka cards and accepted perk uses per month"),
                 [_("Month"), _("New cards"), _("Accepted uses")], rows, value_index=2,
                 description=_("The bars show accepted uses; the table has both figures."))


def top_perks(centre: Centre) -> Chart:
    rows = list(Check.objects.filter(partner__centre=centre, accepted=True)
                .values_list("perk__title_pl", "partner__business__name").annotate(n=Count("pk"))
                .order_by("-n", "perk__title_pl")[:TOP_N])
    return Chart("top-perks", _("Most used perks"), [_("Perk"), _("Partner"), _("Accepted uses")], rows,
                 value_index=2)


def top_partners(centre: Centre) -> Chart:
    rows = list(Check.objects.filter(partner__centre=centre).values_list("partner__business__name")
                .annotate(uses=Count("pk", filter=Q(accepted=True)), checks=Count("pk"))
                .order_by("-uses", "-checks", "partner__business__name")[:TOP_N])
    return Chart("top-partners", _("Most active partners"), [_("Partner"), _("Accepted uses"), _("Checks")], rows)


def running_contests(centre: Centre) -> Chart:
    """Contests that have started and have not reached their results, with their valid votes so far."""
    now = timezone.now()
    results_out = Phase.objects.filter(contest=OuterRef("pk"), kind=Phase.Kind.RESULTS, starts_at__lte=now)
    votes = (Vote.objects.filter(round__contest=OuterRef("pk"), voided_at__isnull=True).order_by()
             .values("round__contest").annotate(n=Count("pk")).values("n"))
    rows = list(Contest.objects.filter(centre=centre).annotate(started=Min("phases__starts_at"))
                .filter(started__lte=now).exclude(Exists(results_out))
                .annotate(votes=Coalesce(Subquery(votes[:1]), 0))
                .order_by("-votes", "title_pl").values_list("title_pl", "votes"))
    return Chart("running-contests", _("Running contests and their votes"), [_("Contest"), _("Valid votes")], rows)


CHARTS: list[Callable[[Centre], Chart]] = [
    applications_waiting,
    permits_and_fees,
    garden_area_per_street,
    cards_and_uses_per_month,
    top_perks,
    top_partners,
    running_contests,
    businesses_per_zone,
    businesses_per_category,
    garden_rates_per_zone,
]


def headline(centre: Centre) -> list[tuple[str | Promise, object]]:
    """The few numbers at the top of the page: one aggregate query per source."""
    figures = Business.objects.filter(centre=centre).aggregate(active=Count("pk", filter=Q(is_active=True)))
    waiting = _waiting(centre).aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    cards = Card.objects.filter(centre=centre).aggregate(active=Count("pk", filter=Q(status=Card.Status.ACTIVE)))
    oldest_days = (timezone.now() - waiting["oldest"]).days if waiting["oldest"] else None
    return [
        (_("applications waiting for review"), waiting["n"]),
        (_("days the oldest application has waited"), "–" if oldest_days is None else oldest_days),
        (_("active Moja Starówka cards"), cards["active"]),
        (_("active businesses"), figures["active"]),
    ]


def build(centre: Centre, only: str | None = None) -> dict[str, Chart]:
    """Every chart of the centre (or just the one named), in the order of CHARTS."""
    out: dict[str, Chart] = {}
    for make in CHARTS:
        if only is not None and make.__name__.replace("_", "-") != only:
            continue
        chart = make(centre)
        out[chart.key] = chart
    return out
