"""What café-garden permits offer the office (core.office): waiting applications, permits and fees, garden area,
the rates in force, the headline figures of the review queue, and the permits export."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from centres.models import Centre, FeeRate, Zone
from core.dates import today
from core.office import Chart, Dataset, register_chart, register_dataset, register_headline, two_places

from .models import GardenApplication
from .selectors import fee_totals, payment_totals

WAIT_BANDS = ((0, 7), (8, 14), (15, 30), (31, None))  # days since submission


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
    rows = [(f"{r['season__year']} · {r['zone__name']}", r["permits"], two_places(r["area"]),
             two_places(r["gross"]), two_places(r["discount"]), two_places(r["total"]))
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
    rows = [(street, two_places(area), n) for street, area, n in permits.filter(season__year=latest)
            .annotate(street_name=Coalesce("street__name", Value(str(_("(address outside the street list)")))))
            .values_list("street_name").annotate(area=Sum("area_m2"), n=Count("pk"))
            .order_by("-area", "street_name")] if latest else []
    return Chart("garden-area-per-street", _("Area of café gardens per street"),
                 [_("Street"), _("Area (m²)"), _("Permits")], rows, unit="m²",
                 description=_("Approved permits of the season %(year)s.") % {"year": latest} if latest else "")


def garden_rates_per_zone(centre: Centre) -> Chart:
    """The café-garden rate in force today in each zone (PLN per m² per day), as the fee quote uses it."""
    day = today()
    in_force = (FeeRate.objects.filter(zone=OuterRef("pk"), use=FeeRate.Use.CAFE_GARDEN, valid_from__lte=day)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("-valid_from"))
    rows = list(Zone.objects.filter(centre=centre).annotate(price=Subquery(in_force.values("price_pln")[:1]))
                .order_by(F("price").desc(nulls_last=True), "name").values_list("name", "price"))
    return Chart("garden-rates-per-zone", _("Café-garden rate in force per zone"),
                 [_("Zone"), _("PLN per m² per day")], rows, unit="PLN")


def headline(centre: Centre) -> list[tuple]:
    waiting = _waiting(centre).aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    oldest_days = (timezone.now() - waiting["oldest"]).days if waiting["oldest"] else None
    n = waiting["n"]
    return [  # the label follows its number: "3 wnioski czekają na rozpatrzenie", "5 wniosków czeka…"
        (ngettext("application waits for review", "applications wait for review", n), n),
        (ngettext("day the oldest application has waited", "days the oldest application has waited",
                  oldest_days or 0), "–" if oldest_days is None else oldest_days),
    ]


register_chart("applications-waiting", applications_waiting, position=10)
register_chart("permits-and-fees", permits_and_fees, position=20)
register_chart("garden-area-per-street", garden_area_per_street, position=30)
register_chart("garden-rates-per-zone", garden_rates_per_zone, position=100)
register_headline(headline, position=10)
register_dataset(Dataset("permits", _("Café-garden permits"), "gardens.resources.PermitResource",
                         "gardens.gardenapplication"))


def permit_payments(centre: Centre) -> Chart:
    """What the centre's permits owe, what was paid and what is overdue (PLN), from the payment accounts."""
    totals = payment_totals(centre)
    rows = [(_("Due"), totals["due"]), (_("Paid"), totals["paid"]), (_("Overdue"), totals["overdue"])]
    return Chart("garden-payments", _("Café-garden fees: due, paid and overdue"), [_("Fees"), _("PLN")], rows,
                 unit="PLN", description=_("From the permits' payment accounts: fees and surcharges less "
                                           "corrections; overdue is what is still owed after the due date."))


def permits_by_payment(centre: Centre) -> Chart:
    """How many of the centre's permits are paid in full, partly paid, not paid yet, or overdue."""
    states = payment_totals(centre)["permits"]
    rows = [(_("Paid in full"), states["paid_in_full"]), (_("Partly paid"), states["partly_paid"]),
            (_("Not paid yet (before the due date)"), states["not_paid"]),
            (_("Overdue"), states["overdue"])]
    return Chart("garden-permits-by-payment", _("Café-garden permits by payment"), [_("Payment"), _("Permits")],
                 rows, description=_("Each permit's account: the fee and surcharges less corrections, against the "
                                     "payments matched to it."))


register_chart("garden-payments", permit_payments, position=25)
register_chart("garden-permits-by-payment", permits_by_payment, position=26)
