"""Reads of the centre model, with their joins applied, and the scoping rules of who may see what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest

from core.dates import today

from .models import Business, BusinessMembership, Centre, FeeRate, User, Zone

# --- Scoping ------------------------------------------------------------------------------------------

def staff_centres(user: User) -> QuerySet[Centre]:
    """Centres whose office the user works for; every centre for a superuser; none for anyone else."""
    if not (user and user.is_authenticated and user.is_active):
        return Centre.objects.none()
    if user.is_superuser:
        return Centre.objects.all()
    if not user.is_staff:
        return Centre.objects.none()
    return user.staff_centres.all()


def staff_centre_ids(user: User) -> set[int]:
    """Cached per user object: admin and API checks call this many times per request."""
    cached = getattr(user, "_staff_centre_ids", None)
    if cached is None:
        cached = set(staff_centres(user).values_list("pk", flat=True))
        user._staff_centre_ids = cached
    return cached


def is_staff_of(user: User, centre_id: int | None) -> bool:
    return centre_id is not None and centre_id in staff_centre_ids(user)


def businesses_of(user: User, roles: Iterable[str] | None = None) -> QuerySet[Business]:
    """Businesses the user acts for, optionally only in the given roles."""
    if not (user and user.is_authenticated and user.is_active):
        return Business.objects.none()
    memberships = BusinessMembership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Business.objects.filter(pk__in=memberships.values("business_id"))


def managed_businesses(user: User) -> QuerySet[Business]:
    """Businesses where the user is owner or manager (may apply, manage perks, read figures)."""
    return businesses_of(user, BusinessMembership.MANAGING_ROLES)


def membership_role(user: User, business_id: int) -> str | None:
    if not (user and user.is_authenticated):
        return None
    return (BusinessMembership.objects.filter(user=user, business_id=business_id)
            .values_list("role", flat=True).first())


def current_centre(request: HttpRequest) -> Centre | None:
    """The centre a page is about: chosen in the session, else the user's, else the first active one."""
    cached = getattr(request, "_current_centre", None)
    if cached is not None:
        return cached
    centres = Centre.objects.filter(is_active=True)
    slug = request.session.get("centre") if hasattr(request, "session") else None
    centre = centres.filter(slug=slug).first() if slug else None
    if centre is None:
        centre = centres.order_by("pk").first()
    request._current_centre = centre
    return centre


def open_data_centre(request: HttpRequest) -> Centre | None:
    """The centre an open-data request is about: `?centre=<slug>` (an unknown one: none), else the current one."""
    slug = request.GET.get("centre")
    if slug:
        return Centre.objects.filter(is_active=True, slug=slug).first()
    return current_centre(request)


# --- Fee rates ----------------------------------------------------------------------------------------

def rate_on(*, zone: Zone, use: str, day: dt.date) -> FeeRate | None:
    """The rate in force on a day: one query."""
    return (FeeRate.objects.filter(zone=zone, use=use, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("-valid_from").first())


def rates_between(*, zone: Zone, use: str, start: dt.date, end: dt.date) -> list[FeeRate]:
    """Every rate that applies to some day in [start, end], in date order: one query."""
    return list(FeeRate.objects.filter(zone=zone, use=use, valid_from__lte=end)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start)).order_by("valid_from"))


def overlapping_rates(*, zone: Zone, use: str, valid_from: dt.date, valid_to: dt.date | None,
                      exclude_pk: int | None = None) -> QuerySet[FeeRate]:
    qs = FeeRate.objects.filter(zone=zone, use=use).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        qs = qs.filter(valid_from__lte=valid_to)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


# --- Lists for the API and pages ----------------------------------------------------------------------

def zone_list(*, on: dt.date | None = None) -> QuerySet[Zone]:
    """Zones with their centre, streets and the rates in force on a day (default today), prefetched."""
    day = on or today()
    current = FeeRate.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    return (Zone.objects.select_related("centre")
            .prefetch_related("streets", Prefetch("rates", queryset=current.order_by("use"), to_attr="current_rates"))
            .order_by("centre__name", "name"))


def business_list() -> QuerySet[Business]:
    return Business.objects.select_related("centre", "street", "zone").order_by("name")


def centre_list() -> QuerySet[Centre]:
    return Centre.objects.order_by("name")


# --- People and the centres they belong to ------------------------------------------------------------

def people_of_centres(centre_ids: Iterable[int]) -> QuerySet[User]:
    """Residents and business people tied to any of these centres (a card, an application, a membership, a vote:
    every tie the apps register with core.people). Never staff or superusers."""
    from core.people import belonging_q

    ids = list(centre_ids)
    return (User.objects.filter(is_staff=False, is_superuser=False).filter(belonging_q(ids)).distinct()
            .order_by("email"))


def people_in_scope(staff: User) -> QuerySet[User]:
    """People an office-staff member may change: tied to the staff's centres and to no other centre."""
    if staff.is_superuser:
        return User.objects.all()
    mine = staff_centre_ids(staff)
    if not mine:
        return User.objects.none()
    others = Centre.objects.exclude(pk__in=mine).values_list("pk", flat=True)
    from core.people import belonging_q

    return people_of_centres(mine).exclude(belonging_q(list(others)))


def may_change_person(staff: User, person: User) -> bool:
    if not (staff and staff.is_authenticated and staff.is_active and staff.is_staff):
        return False
    if staff.is_superuser:
        return True
    if person.is_staff or person.is_superuser:
        return False
    return people_in_scope(staff).filter(pk=person.pk).exists()
