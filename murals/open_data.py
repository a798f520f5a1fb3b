"""Open data of the murals app: the murals the public may see, with their trail order (core/opendata.py)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.request import Request

from centres.selectors import open_data_centre
from core.geo import point
from core.opendata import OpenDataView

from . import selectors


class OpenMurals(OpenDataView):
    """Open data: the centre's murals that the public may see, with their place on the walking trail."""

    dataset = "murals"
    title = "Murals"
    fields = ("title", "address", "year", "status", "artists", "trail_order", "url", "location_precision")

    def records(self, request: Request):
        centre = open_data_centre(request)
        if centre is None:
            return
        for mural in selectors.visible_murals().filter(centre=centre).order_by("trail_order", "title", "pk"):
            yield {"id": mural.pk, "geometry": point(mural.latitude, mural.longitude) if mural.has_coordinates
                   else None, "title": mural.title, "address": mural.address, "year": mural.year,
                   "status": mural.status, "artists": [a.name for a in mural.artists.all()],
                   "trail_order": mural.trail_order, "url": reverse("murals:mural-detail", args=[mural.pk]),
                   "location_precision": "building" if mural.has_coordinates else None}
