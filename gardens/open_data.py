"""Open data of the gardens app: the café gardens permitted this season, for the centre map (core/opendata.py)."""

from __future__ import annotations

from rest_framework.request import Request

from centres.selectors import open_data_centre
from core.geo import point, street_point
from core.opendata import OpenDataView

from . import selectors


class OpenGardens(OpenDataView):
    """Open data: the café gardens permitted in the centre's current season (its drawn outline, else a point at
    its street)."""

    dataset = "gardens"
    title = "Café gardens permitted this season"
    fields = ("permit_number", "business", "address", "zone", "area_m2", "period_start", "period_end",
              "location_precision")

    def records(self, request: Request):
        centre = open_data_centre(request)
        season = selectors.current_season(centre=centre) if centre else None
        if season is None:
            return
        for permit in selectors.permitted_gardens(centre=centre, year=season.year):
            outline = getattr(permit, "outline", None)
            if outline:
                geometry, precision = outline.get("geometry", outline), "outline"
            else:
                where = street_point(centre.city, permit.street.name if permit.street else "",
                                     permit.building_number or permit.address)
                geometry, precision = (point(*where) if where else None), "street"
            yield {"id": permit.pk, "geometry": geometry, "permit_number": permit.permit_number,
                   "business": permit.business.name, "address": permit.address, "zone": permit.zone.name,
                   "area_m2": str(permit.area_m2), "period_start": permit.period_start.isoformat(),
                   "period_end": permit.period_end.isoformat(), "location_precision": precision}
