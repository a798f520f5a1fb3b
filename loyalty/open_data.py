"""Open data of the loyalty app: the partners of Moja Starówka with perks today (core/opendata.py)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.request import Request

from centres.selectors import open_data_centre
from core.geo import point, street_point
from core.opendata import OpenDataView

from . import selectors


class OpenPartners(OpenDataView):
    """Open data: the businesses that give Moja Starówka perks today (placed at their street)."""

    dataset = "partners"
    title = "Moja Starówka partners"
    fields = ("name", "category", "address", "perks", "url", "location_precision")

    def records(self, request: Request):
        centre = open_data_centre(request)
        if centre is None:
            return
        perks: dict[int, int] = {}
        for partner_id in selectors.current_perks().filter(partner__centre=centre).values_list("partner_id", flat=True):
            perks[partner_id] = perks.get(partner_id, 0) + 1
        for partner in selectors.current_partners().filter(centre=centre).order_by("business__name", "pk"):
            business = partner.business
            where = street_point(centre.city, business.street.name, business.building_number)
            yield {"id": partner.pk, "geometry": point(*where) if where else None, "name": business.name,
                   "category": business.category, "address": f"{business.street.name} {business.building_number}",
                   "perks": perks.get(partner.pk, 0), "url": reverse("loyalty:partner-detail", args=[partner.pk]),
                   "location_precision": "street"}
