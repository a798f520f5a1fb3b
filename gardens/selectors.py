"""Reads of the gardens app, with joins applied, and who may see which application."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from centres.models import Centre, User
from centres.selectors import managed_businesses, staff_centre_ids, today

from .models import AestheticRule, ApplicationHistory, GardenApplication, Inspection, RuleDeclaration, Season

Status = GardenApplication.Status


def application_list() -> QuerySet[GardenApplication]:
    """Applications with everything a list row shows, joined in one query."""
    return (GardenApplication.objects
            .select_related("business", "business__centre", "season", "season__centre", "zone", "street")
            .order_by("-created_at", "-pk"))


def application_detail() -> QuerySet[GardenApplication]:
    return application_list().prefetch_related(
        Prefetch("declarations", queryset=RuleDeclaration.objects.select_related("rule")),
        Prefetch("history", queryset=ApplicationHistory.objects.select_related("by").order_by("at", "pk")),
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


def season_for(*, centre: Centre, year: int) -> Season | None:
    return Season.objects.filter(centre=centre, year=year).first()


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


def conflicts_for(application: GardenApplication) -> QuerySet[GardenApplication]:
    """Other live applications or permits for the same place with an overlapping period (flagged to staff).

    The same place: the same zone and street (or no street on both) and the same address, case-insensitively.
    """
    place = Q(zone_id=application.zone_id, address__iexact=application.address.strip())
    place &= Q(street_id=application.street_id) if application.street_id else Q(street__isnull=True)
    return (GardenApplication.objects.filter(place, status__in=GardenApplication.LIVE_STATUSES,
                                             period_start__lte=application.period_end,
                                             period_end__gte=application.period_start)
            .exclude(pk=application.pk).select_related("business").order_by("pk"))


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
    return ApplicationHistory.objects.filter(application=application).select_related("by").order_by("at", "pk")


def inspection_list() -> QuerySet[Inspection]:
    return (Inspection.objects.select_related("application", "application__business", "application__season",
                                              "inspector")
            .prefetch_related("results", "results__rule", "photos").order_by("-inspected_on", "-pk"))
