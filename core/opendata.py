"""Open data: the map's layers as GeoJSON and CSV under /api/v1/open-data/, free to reuse under CC BY 4.0.

Each app provides its dataset as a subclass of `OpenDataView` in its api.py (`records()` gives one dict per
feature: "geometry" — a GeoJSON geometry or None — and the properties named in `fields`); portal/urls.py mounts
both formats with `open_data_urls()`. Machine-readable on purpose: stable keys, ISO dates, decimal points.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.views import APIView

from core.cache import PublicCacheMixin
from core.csv import csv_bytes

LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/deed.pl",
           "attribution": "Biuro Centrum Miasta (portal centrum miasta)"}
FORMATS = ("geojson", "csv")
OPEN_DATA_DESCRIPTION = (
    "Open data, free to reuse under the Creative Commons Attribution 4.0 licence (CC BY 4.0): name the city-centre "
    "office as the source. GeoJSON (RFC 7946, WGS 84, longitude first) or CSV (UTF-8 with BOM, `;`-separated, "
    "latitude and longitude columns). Points marked location_precision=street are placed at their street, not at "
    "the building. No authentication; the answer is the same for everyone.")


class AnyAccept(BaseContentNegotiation):
    """The answer is GeoJSON or CSV whatever the client accepts (a client asking for application/geo+json or
    text/csv is right, not refused with 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class OpenDataView(PublicCacheMixin, APIView):
    """One dataset in two formats. Subclasses set `dataset`, `fields` and implement `records()`.
    Answers come from core.cache (area "open-data"), rendered again after any change of what the layers show."""

    public_cache_area = "open-data"
    public_cache_content_types = ("application/geo+json", "text/csv")

    permission_classes = [permissions.AllowAny]
    authentication_classes: ClassVar[list] = []  # public and anonymous: no session, no CSRF
    content_negotiation_class = AnyAccept
    dataset: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    fields: ClassVar[Sequence[str]] = ()
    fmt: str = "geojson"

    def records(self, request: Request) -> Iterable[dict]:
        raise NotImplementedError

    def get(self, request: Request, *args, **kwargs) -> HttpResponse:
        records = list(self.records(request))
        if self.fmt == "csv":
            return self._csv(records)
        return self._geojson(request, records)

    def _geojson(self, request: HttpRequest, records: list[dict]) -> HttpResponse:
        features = [{"type": "Feature", "id": r.get("id"), "geometry": r.get("geometry"),
                     "properties": {name: r.get(name) for name in self.fields}} for r in records]
        body = {"type": "FeatureCollection", "name": self.dataset, "title": str(self.title),
                "licence": LICENCE, "features": features}
        response = HttpResponse(json.dumps(body, ensure_ascii=False, default=str),
                                content_type="application/geo+json; charset=utf-8")
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def _csv(self, records: list[dict]) -> HttpResponse:
        header = ["id", *self.fields, "latitude", "longitude"]
        rows = []
        for r in records:
            lat, lon = _representative_point(r.get("geometry"))
            rows.append([r.get("id"), *(_cell(r.get(name)) for name in self.fields), lat, lon])
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.dataset}.csv"'
        response["Access-Control-Allow-Origin"] = "*"
        response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
        return response


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


def _representative_point(geometry: dict | None) -> tuple[Any, Any]:
    """The point itself, or the mean of a polygon's outer ring / a line's vertices; blank without geometry."""
    if not geometry:
        return "", ""
    coordinates = geometry.get("coordinates")
    kind = geometry.get("type")
    if kind == "Point":
        return coordinates[1], coordinates[0]
    ring = coordinates[0] if kind == "Polygon" else coordinates if kind == "LineString" else None
    if not ring:
        return "", ""
    ring = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    return (round(sum(p[1] for p in ring) / len(ring), 6), round(sum(p[0] for p in ring) / len(ring), 6))


def open_data_urls(view: type[OpenDataView]) -> list:
    """Both formats of a dataset: /api/v1/open-data/<dataset>.geojson and .csv (names open-data-<dataset>-<fmt>)."""
    urls = []
    for fmt in FORMATS:
        def get(self, request, *args, **kwargs):  # documented on the method: an operation_id is per operation
            return OpenDataView.get(self, request, *args, **kwargs)

        get = extend_schema(
            tags=["open-data"], summary=f"{view.dataset} ({fmt.upper()})", description=OPEN_DATA_DESCRIPTION,
            operation_id=f"open_data_{view.dataset}_{fmt}",
            responses={200: OpenApiResponse(OpenApiTypes.OBJECT if fmt == "geojson" else OpenApiTypes.STR,
                                            description="GeoJSON FeatureCollection" if fmt == "geojson"
                                            else "CSV file")},
        )(get)
        documented = type(f"{view.__name__}{fmt.title()}", (view,), {"fmt": fmt, "get": get})
        urls.append(path(f"api/v1/open-data/{view.dataset}.{fmt}", documented.as_view(),
                         name=f"open-data-{view.dataset}-{fmt}"))
    return urls
