"""What the centre offers the office (core.office): business charts, its headline figure and its datasets."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.office import Chart, Dataset, register_chart, register_dataset, register_headline

from .models import Business, Centre


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


def headline(centre: Centre) -> list[tuple]:
    figures = Business.objects.filter(centre=centre).aggregate(active=Count("pk", filter=Q(is_active=True)))
    return [(_("active businesses"), figures["active"])]


register_chart("businesses-per-zone", businesses_per_zone, position=80)
register_chart("businesses-per-category", businesses_per_category, position=90)
register_headline(headline, position=30)
register_dataset(Dataset("businesses", _("Businesses"), "centres.resources.BusinessResource", "centres.business",
                         importable=True))
register_dataset(Dataset("zones", _("Fee zones"), "centres.resources.ZoneResource", "centres.zone", importable=True))
register_dataset(Dataset("rates", _("Fee rates of the zones"), "centres.resources.FeeRateResource",
                         "centres.feerate", importable=True))
