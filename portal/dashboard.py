"""Figures of the office's dashboard, one centre at a time.

Each chart is one aggregate query (through the apps' selectors where they offer the figure), so the page does the
same number of queries whatever the data size. A chart carries its numbers as rows, which the page shows as an
inline SVG bar chart, as a table and as a CSV download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from centres.models import Business, Centre, FeeRate, Zone
from centres.selectors import today


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
        """Each row's label, drawn value, and bar length in SVG units (360 for the largest value)."""
        values = [_number(row[self.value_index]) for row in self.rows]
        top = max(values, default=0) or 1
        return [{"label": row[0], "value": row[self.value_index], "width": round(360 * v / top),
                 "y": 8 + i * 28} for i, (row, v) in enumerate(zip(self.rows, values, strict=True))]

    @property
    def height(self) -> int:
        return 16 + 28 * max(len(self.rows), 1)


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


CHARTS: list[Callable[[Centre], Chart]] = [
    businesses_per_zone,
    businesses_per_category,
    garden_rates_per_zone,
]


def headline(centre: Centre) -> list[tuple[str | Promise, object]]:
    """The few numbers at the top of the page: one aggregate query."""
    figures = Business.objects.filter(centre=centre).aggregate(active=Count("pk", filter=Q(is_active=True)))
    return [(_("active businesses"), figures["active"])]


def build(centre: Centre, only: str | None = None) -> dict[str, Chart]:
    """Every chart of the centre (or just the one named), in the order of CHARTS."""
    out: dict[str, Chart] = {}
    for make in CHARTS:
        if only is not None and make.__name__.replace("_", "-") != only:
            continue
        chart = make(centre)
        out[chart.key] = chart
    return out
