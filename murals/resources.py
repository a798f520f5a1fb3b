"""Spreadsheet export of the mural register (django-import-export), for the office. Export only: the register is
kept through the admin and the API, whose services check the workflow."""

from __future__ import annotations

from import_export import fields

from core.resources import CentreResource

from .models import Mural


class MuralResource(CentreResource):
    """One row per mural: title, status, year, address, zone, size, artists, sponsors, coordinates, trail stop."""

    title = fields.Field(attribute="title", column_name="title", readonly=True)
    slug = fields.Field(attribute="slug", column_name="slug", readonly=True)
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    year = fields.Field(attribute="year", column_name="year", readonly=True)
    address = fields.Field(attribute="address", column_name="address", readonly=True)
    zone = fields.Field(attribute="zone__slug", column_name="zone", readonly=True)
    wall = fields.Field(attribute="wall__address", column_name="wall", readonly=True)
    area_m2 = fields.Field(attribute="area_m2", column_name="area_m2", readonly=True)
    artists = fields.Field(column_name="artists", readonly=True)
    sponsors = fields.Field(column_name="sponsors", readonly=True)
    latitude = fields.Field(attribute="latitude", column_name="latitude", readonly=True)
    longitude = fields.Field(attribute="longitude", column_name="longitude", readonly=True)
    trail_order = fields.Field(attribute="trail_order", column_name="trail_order", readonly=True)
    winning_entry = fields.Field(attribute="winning_entry__title", column_name="winning_design", readonly=True)

    class Meta:
        model = Mural
        fields = ("title", "slug", "status", "year", "address", "zone", "wall", "area_m2", "artists", "sponsors",
                  "latitude", "longitude", "trail_order", "winning_entry")
        export_order = fields

    def get_queryset(self):
        return (super().get_queryset().select_related("zone", "wall", "winning_entry")
                .prefetch_related("artists", "sponsors").order_by("-year", "title", "pk"))

    def dehydrate_artists(self, mural: Mural) -> str:
        return ", ".join(a.name for a in mural.artists.all())

    def dehydrate_sponsors(self, mural: Mural) -> str:
        return ", ".join(b.name for b in mural.sponsors.all())
