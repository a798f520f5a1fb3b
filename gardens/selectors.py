"""Reads of the gardens app, with joins applied, and who may see which application."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import reverse

from centres.models import Centre, User
from centres.selectors import managed_businesses, staff_centre_ids, today

from .models import (
    AccountEntry,
    AestheticRule,
    ApplicationHistory,
    GardenApplication,
    GreeneryEvidence,
    Inspection,
    PaymentAccount,
    RuleDeclaration,
    Season,
)

Status = GardenApplication.Status


def application_list() -> QuerySet[GardenApplication]:
    """Applications with everything a list row shows, joined in one query."""
    return (GardenApplication.objects
            .select_related("business", "business__centre", "season", "season__centre", "zone", "street")
            .order_by("-created_at", "-pk"))


def application_detail() -> QuerySet[GardenApplication]:
    return application_list().prefetch_related(
        Prefetch("declarations", queryset=RuleDeclaration.objects.select_related("rule")),
        Prefetch("history", queryset=ApplicationHistory.objects.select_related("by").order_by("created_at", "pk")),
        "attachments",
    )


def visible_applications(user: User) -> QuerySet[GardenApplication]:
    """Owner/manager of the business sees its applications; office staff see their centres'; nobody else any."""
    if not (user and user.is_authenticated and user.is_active):
        return GardenApplication.objects.none()
    condition = Q(business__in=managed_businesses(user))
    centre_ids = staff_centre_ids(user)
    if centre_ids:
        condition |= Q(season__centre_id__in=centre_ids)
    return application_list().filter(condition)


def own_applications(user: User) -> QuerySet[GardenApplication]:
    """Only the applications of businesses the user manages (the owner's pages)."""
    if not (user and user.is_authenticated and user.is_active):
        return GardenApplication.objects.none()
    return application_list().filter(business__in=managed_businesses(user))


def permitted_gardens(*, centre: Centre, year: int) -> QuerySet[GardenApplication]:
    """Approved, not revoked permits of the centre's season `year` (used by the register and the contests)."""
    return (GardenApplication.objects.filter(season__centre=centre, season__year=year, status=Status.APPROVED)
            .select_related("business", "zone", "street", "season")
            .order_by("street__name", "address", "pk"))


def current_permits(*, centre: Centre | None = None, on: dt.date | None = None) -> QuerySet[GardenApplication]:
    """Permits in force on a day (default today) or still to start: the public register."""
    day = on or today()
    qs = (GardenApplication.objects.filter(status=Status.APPROVED, period_end__gte=day)
          .select_related("business", "zone", "street", "season", "season__centre")
          .order_by("street__name", "address", "pk"))
    if centre is not None:
        qs = qs.filter(season__centre=centre)
    return qs


def permit_by_token(token: str) -> GardenApplication | None:
    """A permit (approved or revoked) by its unguessable verification token; None for anything else."""
    try:
        token_uuid = uuid.UUID(str(token))
    except ValueError:
        return None
    return (GardenApplication.objects.select_related("business", "zone", "street", "season", "season__centre")
            .filter(status__in=[Status.APPROVED, Status.REVOKED], verification_token=token_uuid).first())


def current_season(*, centre: Centre) -> Season | None:
    """This year's season, else the nearest next one, else the latest."""
    year = today().year
    return (Season.objects.filter(centre=centre, year=year).first()
            or Season.objects.filter(centre=centre, year__gt=year).order_by("year").first()
            or Season.objects.filter(centre=centre).order_by("-year").first())


def season_list() -> QuerySet[Season]:
    return Season.objects.select_related("centre").prefetch_related("discount_tiers").order_by("centre__name", "-year")


def rule_list(*, season: Season | None = None) -> QuerySet[AestheticRule]:
    qs = AestheticRule.objects.select_related("season", "season__centre").filter(is_active=True)
    if season is not None:
        qs = qs.filter(season=season)
    return qs.order_by("season_id", "order", "code")


def conflicts_for(application: GardenApplication) -> list[GardenApplication]:
    """Other live applications or permits for the same place on a common day (flagged to staff).

    The same place: overlapping outlines where both are drawn, else the same normalised street and building number
    ("ul. Szeroka 10" is "Szeroka 10"). Approval refuses the approved ones among them (services.place_conflicts).
    """
    from .services import place_conflicts

    return place_conflicts(application, statuses=GardenApplication.LIVE_STATUSES)


def neighbours_geojson(*, season: Season, exclude: int | None = None) -> dict:
    """Every approved garden of the season with an outline, as a GeoJSON FeatureCollection (the office's map)."""
    features = []
    for permit in (GardenApplication.objects.filter(season=season, status=Status.APPROVED, outline__isnull=False)
                   .exclude(pk=exclude).select_related("business", "street").order_by("pk")):
        features.append({"type": "Feature", "geometry": permit.outline, "properties": {
            "id": permit.pk, "permit_number": permit.permit_number, "business": permit.business.name,
            "address": f"{permit.street.name if permit.street_id else ''} {permit.building_number}".strip(),
            "period": f"{permit.period_start:%d.%m.%Y} – {permit.period_end:%d.%m.%Y}"}})
    return {"type": "FeatureCollection", "features": features}


def open_payment_accounts(*, before: dt.date) -> QuerySet[PaymentAccount]:
    """Accounts of permits (approved or revoked) due before a day, with their lines, for the reminders."""
    return (PaymentAccount.objects.filter(due_date__lte=before)
            .select_related("application", "application__business", "application__season__centre")
            .prefetch_related("entries").order_by("due_date", "pk"))


def payment_accounts(*, centre: Centre | None = None) -> QuerySet[PaymentAccount]:
    qs = (PaymentAccount.objects.select_related("application", "application__business", "application__season")
          .prefetch_related("entries").order_by("due_date", "pk"))
    return qs.filter(application__season__centre=centre) if centre is not None else qs


def payment_totals(centre: Centre, *, on: dt.date | None = None) -> dict[str, Decimal]:
    """Due, paid and overdue fees of the centre's permits, and how many permits are paid in full, partly, not yet
    or overdue (the dashboard): one grouped aggregate of the lines."""
    day = on or today()
    zero = Decimal("0.00")
    charges = Q(entries__kind__in=AccountEntry.CHARGES)
    per_account = (PaymentAccount.objects.filter(application__season__centre=centre)
                   .values("pk", "due_date")
                   .annotate(charged=Sum("entries__amount", filter=charges),
                             credited=Sum("entries__amount", filter=Q(entries__kind=AccountEntry.Kind.REFUND)),
                             paid=Sum("entries__amount", filter=Q(entries__kind=AccountEntry.Kind.PAYMENT))))
    totals = {"due": zero, "paid": zero, "overdue": zero, "accounts": 0}
    states = {"paid_in_full": 0, "partly_paid": 0, "not_paid": 0, "overdue": 0}
    for row in per_account:
        due = Decimal(str(row["charged"] or 0)) - Decimal(str(row["credited"] or 0))
        paid = Decimal(str(row["paid"] or 0))
        totals["accounts"] += 1
        totals["due"] += max(due, zero)
        totals["paid"] += paid
        if due - paid > 0 and day > row["due_date"]:
            totals["overdue"] += due - paid
            states["overdue"] += 1
        elif due - paid <= 0:
            states["paid_in_full"] += 1
        elif paid > 0:
            states["partly_paid"] += 1
        else:
            states["not_paid"] += 1
    result = {k: (v.quantize(Decimal("0.01")) if isinstance(v, Decimal) else v) for k, v in totals.items()}
    result["permits"] = states  # how many permits are paid in full, partly, not yet, or overdue
    return result


def waiting_applications(*, centre: Centre) -> QuerySet[GardenApplication]:
    """Submitted or in review: the staff's queue."""
    return (application_list().filter(season__centre=centre, status__in=GardenApplication.WAITING_STATUSES)
            .order_by("submitted_at", "pk"))


def permits_ending_between(*, start: dt.date, end: dt.date) -> QuerySet[GardenApplication]:
    return (GardenApplication.objects.filter(status=Status.APPROVED, period_end__gte=start, period_end__lte=end)
            .select_related("business", "season", "season__centre"))


def fee_totals(*, centre_ids: set[int] | None = None) -> QuerySet:
    """Issued permits' fees per season and zone: a DB aggregate (admin summary)."""
    qs = GardenApplication.objects.filter(status__in=[Status.APPROVED, Status.REVOKED])
    if centre_ids is not None:
        qs = qs.filter(season__centre_id__in=centre_ids)
    return (qs.values("season__centre__name", "season__year", "zone__name")
            .annotate(permits=Count("pk"), area=Sum("area_m2"), gross=Sum("fee_gross"),
                      discount=Sum("fee_discount"), total=Sum("fee_total"))
            .order_by("season__centre__name", "-season__year", "zone__name"))


def history_of(application: GardenApplication) -> QuerySet[ApplicationHistory]:
    return ApplicationHistory.objects.filter(application=application).select_related("by").order_by("created_at", "pk")


def inspection_list() -> QuerySet[Inspection]:
    return (Inspection.objects.select_related("application", "application__business", "application__season",
                                              "inspector")
            .prefetch_related("results", "results__rule", "photos").order_by("-inspected_on", "-pk"))


def _measured_value(application: GardenApplication, rule: AestheticRule) -> str:
    from core.formats import measure

    M = AestheticRule.Measure
    a = application
    if rule.measure == M.UMBRELLA_HEIGHT_MAX:
        return measure(a.umbrella_height_m) if a.umbrella_height_m is not None else "—"
    if rule.measure == M.ENCLOSURE_HEIGHT_MAX:
        return measure(a.enclosure_height_m) if a.enclosure_height_m is not None else "—"
    if rule.measure == M.COLOUR_PALETTE:
        return " / ".join(v for v in (a.umbrella_colour, a.furniture_colour) if v) or "—"
    if rule.measure == M.PAVEMENT_MIN:
        return measure(a.pedestrian_width_m)
    if rule.measure == M.GREENERY_MIN:
        return ", ".join(a.declared_greenery_labels()) or "—"
    return ""


def _rule_limit(application: GardenApplication, rule: AestheticRule) -> str:
    from core.formats import measure

    M = AestheticRule.Measure
    if rule.measure in (M.UMBRELLA_HEIGHT_MAX, M.ENCLOSURE_HEIGHT_MAX) and rule.limit is not None:
        return f"≤ {measure(rule.limit)}"
    if rule.measure == M.COLOUR_PALETTE:
        return ", ".join(rule.palette_colours())
    if rule.measure == M.PAVEMENT_MIN:
        return f"≥ {measure(max(application.zone.pedestrian_width_minimum, rule.limit or Decimal('0')))}"
    if rule.measure == M.GREENERY_MIN:
        return f"≥ {int(rule.limit or 1)}"
    return ""


def review_context(application: GardenApplication) -> dict:
    """What the reviewer's page shows: attachments, every rule with its declaration and measured value (breaches
    flagged), the outline with the neighbours, the fee, the history and the conflicts."""
    from .services import rule_breaches

    rules = list(AestheticRule.objects.filter(season_id=application.season_id, is_active=True)
                 .order_by("order", "code"))
    declarations = {d.rule_id: d for d in application.declarations.all()}
    breaches = rule_breaches(application, rules)
    breached_rules = {message.split("”")[0].lstrip("“") for message, _code in breaches.values()}
    rows = []
    for rule in rules:
        declaration = declarations.get(rule.pk)
        rows.append({"rule": rule, "declaration": declaration, "value": _measured_value(application, rule),
                     "limit": _rule_limit(application, rule),
                     "breach": rule.title in breached_rules or declaration is None or not declaration.complies})
    attachments = list(application.attachments.all())
    area_difference = None
    if application.outline_area_m2 and application.area_m2:
        area_difference = (application.outline_area_m2 - application.area_m2) / application.area_m2 * 100
    return {
        "rows": rows, "breaches": breaches,
        "images": [a for a in attachments if a.content_type.startswith("image/")],
        "documents": [a for a in attachments if not a.content_type.startswith("image/")],
        "neighbours": neighbours_geojson(season=application.season, exclude=application.pk),
        "outline": application.outline,
        "area_difference": area_difference,
        "area_mismatch": area_difference is not None and abs(area_difference) > 10,
        "history": list(history_of(application)),
        "conflicts": conflicts_for(application),
        "fee": application.fee_breakdown,
        "account": PaymentAccount.objects.filter(application=application).prefetch_related("entries").first(),
        "evidence": greenery_evidence_of(application),
    }


def greenery_evidence_of(application: GardenApplication) -> list[GreeneryEvidence]:
    """The photo each confirmed kind of greenery rests on, with `url` set to where staff open it."""
    items = list(GreeneryEvidence.objects.filter(application=application)
                 .select_related("attachment", "inspection_photo__inspection").order_by("kind"))
    for item in items:
        item.url = (reverse("gardens:attachment", args=[application.pk, item.attachment_id]) if item.attachment_id
                    else item.inspection_photo.file.url)
    return items

