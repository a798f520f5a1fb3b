"""Reads of the mural register, with their joins applied, and who may see what.

The public sees every mural except removed ones; office staff of a centre also see its removed murals.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from centres.selectors import staff_centre_ids

from .models import Artist, Mural, MuralPhoto, MuralStatusChange, Wall

PUBLIC_STATUSES = tuple(s for s in Mural.Status.values if s != Mural.Status.REMOVED)


def mural_list() -> QuerySet[Mural]:
    """Murals with everything a list shows (centre, wall, zone, artists, sponsors, photos) in a fixed number of
    queries."""
    return (Mural.objects.select_related("centre", "wall", "zone")
            .prefetch_related("artists", "sponsors", Prefetch("photos", queryset=MuralPhoto.objects.order_by(
                "position", "pk")))
            .order_by("-year", "title", "pk"))


def visible_murals(*, user=None) -> QuerySet[Mural]:
    """What a person may see: every non-removed mural, plus removed ones of the centres they work for."""
    ids = staff_centre_ids(user) if user is not None else set()
    condition = Q(status__in=PUBLIC_STATUSES)
    if ids:
        condition |= Q(centre_id__in=ids)
    return mural_list().filter(condition)


def trail(*, centre_id: int | None = None) -> QuerySet[Mural]:
    """The walking trail: completed murals with a trail position, in order."""
    qs = mural_list().filter(status=Mural.Status.COMPLETED, trail_order__isnull=False)
    if centre_id is not None:
        qs = qs.filter(centre_id=centre_id)
    return qs.order_by("centre_id", "trail_order")


def gallery_years(*, centre_id: int) -> list[int]:
    return list(Mural.objects.filter(centre_id=centre_id, status__in=PUBLIC_STATUSES)
                .values_list("year", flat=True).distinct().order_by("-year"))


def wall_list() -> QuerySet[Wall]:
    return (Wall.objects.select_related("centre", "street", "zone", "contest")
            .prefetch_related(Prefetch("murals", queryset=Mural.objects.filter(status__in=PUBLIC_STATUSES)
                                       .order_by("-year"), to_attr="public_murals"))
            .order_by("address", "pk"))


def artist_list() -> QuerySet[Artist]:
    return Artist.objects.select_related("centre").order_by("name", "pk")


def history_of(mural: Mural) -> QuerySet[MuralStatusChange]:
    return MuralStatusChange.objects.filter(mural=mural).select_related("by").order_by("created_at", "pk")
