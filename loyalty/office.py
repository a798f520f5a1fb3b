"""What Moja Starówka offers the office (core.office): cards and uses, top perks and partners, its datasets."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from core import formats
from core.cache import cached_figures
from core.dates import today
from core.office import Chart, Dataset, register_chart, register_dataset, register_headline

from .models import Card, Check

MONTHS_SHOWN = 12
TOP_N = 10


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
    rows = [(formats.Month(m.year, m.month, 1), cards.get(m, 0), uses.get(m, 0)) for m in months]  # "grudzień 2026"
    return Chart("cards-and-uses-per-month", _("New Moja Starówka cards and accepted perk uses per month"),
                 [_("Month"), _("New cards"), _("Accepted uses")], rows, value_index=2,
                 description=_("The bars show accepted uses; the table has both figures."))


def top_perks(centre: Centre) -> Chart:
    """The perks used most, each named in the page's language (the English title, or the Polish one when a perk has
    none: core.i18n.bilingual's rule in SQL); cached_figures keeps one copy per language."""
    english = (get_language() or "pl").startswith("en")
    title = (Coalesce(NullIf("perk__title_en", Value("")), "perk__title_pl") if english
             else Coalesce(NullIf("perk__title_pl", Value("")), "perk__title_en"))
    rows = list(Check.objects.filter(partner__centre=centre, accepted=True).annotate(title=title)
                .values_list("partner__business__name", "title").annotate(n=Count("pk"))
                .order_by("-n", "title")[:TOP_N])
    # Many partners offer "10% rabatu…": a bar names its partner first.
    return Chart("top-perks", _("Most used perks"), [_("Partner"), _("Perk"), _("Accepted uses")], rows,
                 value_index=2, label_columns=2)


def top_partners(centre: Centre) -> Chart:
    rows = list(Check.objects.filter(partner__centre=centre).values_list("partner__business__name")
                .annotate(uses=Count("pk", filter=Q(accepted=True)), checks=Count("pk"))
                .order_by("-uses", "-checks", "partner__business__name")[:TOP_N])
    return Chart("top-partners", _("Most active partners"), [_("Partner"), _("Accepted uses"), _("Checks")], rows)


def headline(centre: Centre) -> list[tuple]:
    cards = Card.objects.filter(centre=centre).aggregate(active=Count("pk", filter=Q(status=Card.Status.ACTIVE)))
    return [(_("active Moja Starówka cards"), cards["active"])]


# Aggregates over every card and a year of checks (a second at 100k cards and 1M checks): kept five minutes.
register_chart("cards-and-uses-per-month", cached_figures(cards_and_uses_per_month), position=40)
register_chart("top-perks", cached_figures(top_perks), position=50)
register_chart("top-partners", cached_figures(top_partners), position=60)
register_headline(cached_figures(headline), position=20)
register_dataset(Dataset("partners", _("Moja Starówka partners"), "loyalty.resources.PartnerResource",
                         "loyalty.partner", importable=True))
register_dataset(Dataset("perks", _("Moja Starówka perks"), "loyalty.resources.PerkResource", "loyalty.perk",
                         importable=True))
