"""A garden's outline: a GeoJSON polygon in WGS 84 (longitude, latitude), as drawn on the map.

Areas and overlaps are computed with shapely in a local metric plane: an equirectangular projection centred on
the polygons' mean latitude (x = R·λ·cos φ₀, y = R·φ, R = 6 371 008.8 m, the mean Earth radius). Over the few
hundred metres of an old town the error against a proper conformal projection (e.g. EPSG:2180, PUWG 1992) is
below 0.1 %, far less than a drawing's own error, and it needs no projection database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from shapely.geometry import Polygon, shape
from shapely.validation import explain_validity

from core.errors import Code, refusal

EARTH_RADIUS_M = 6_371_008.8
OVERLAP_TOLERANCE_M2 = 0.05  # two outlines sharing an edge do not overlap; a drawing's slip of 5 dm² neither
MAX_VERTICES = 200


def _ring(geometry: Any) -> list[tuple[float, float]]:
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise refusal("outline", _("Draw the garden's outline as one polygon on the map."), Code.OUTLINE_INVALID)
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) != 1 or not isinstance(coordinates[0], list):
        raise refusal("outline", _("Draw the garden's outline as one polygon without holes."), Code.OUTLINE_INVALID)
    ring = coordinates[0]
    if not 4 <= len(ring) <= MAX_VERTICES + 1:
        raise refusal("outline", _("The outline needs at least three corners (and at most %(max)s).")
                      % {"max": MAX_VERTICES}, Code.OUTLINE_INVALID)
    points = []
    for point in ring:
        if (not isinstance(point, list | tuple) or len(point) < 2
                or not all(isinstance(v, int | float) and math.isfinite(v) for v in point[:2])):
            raise refusal("outline", _("The outline's corners must be pairs of longitude and latitude."), Code.OUTLINE_INVALID)
        lon, lat = float(point[0]), float(point[1])
        if not (-180 <= lon <= 180 and -85 <= lat <= 85):
            raise refusal("outline", _("The outline's corners must be pairs of longitude and latitude."), Code.OUTLINE_INVALID)
        points.append((lon, lat))
    return points


def clean_outline(geometry: Any) -> dict:
    """The outline as a plain GeoJSON Polygon (closed ring, 7 decimals ≈ 1 cm); refuses anything else."""
    points = [(round(lon, 7), round(lat, 7)) for lon, lat in _ring(geometry)]
    if points[0] != points[-1]:
        points.append(points[0])
    polygon = _projected(points, reference_lat=_mean_lat(points))
    if not polygon.is_valid:
        raise refusal("outline", _("The outline crosses itself: %(why)s.") % {"why": explain_validity(polygon)},
                      Code.OUTLINE_INVALID)
    if polygon.area < 0.5:
        raise refusal("outline", _("The outline is too small to be a garden."), Code.OUTLINE_INVALID)
    return {"type": "Polygon", "coordinates": [[list(p) for p in points]]}


def _mean_lat(points: Iterable[tuple[float, float]]) -> float:
    lats = [lat for _lon, lat in points]
    return sum(lats) / len(lats)


def _projected(points: Iterable[tuple[float, float]], *, reference_lat: float) -> Polygon:
    k = math.cos(math.radians(reference_lat))
    return Polygon([(EARTH_RADIUS_M * math.radians(lon) * k, EARTH_RADIUS_M * math.radians(lat))
                    for lon, lat in points])


def polygon_of(outline: dict, *, reference_lat: float | None = None) -> Polygon:
    """The outline in the local metric plane (metres)."""
    points = [tuple(p[:2]) for p in shape(outline).exterior.coords]
    return _projected(points, reference_lat=_mean_lat(points) if reference_lat is None else reference_lat)


def area_m2(outline: dict) -> Decimal:
    return Decimal(str(round(polygon_of(outline).area, 2)))


def overlap_m2(first: dict, second: dict) -> float:
    """The area two outlines share, in m² (0 when they only touch)."""
    reference = (_mean_lat(shape(first).exterior.coords) + _mean_lat(shape(second).exterior.coords)) / 2
    a, b = polygon_of(first, reference_lat=reference), polygon_of(second, reference_lat=reference)
    if not a.intersects(b):
        return 0.0
    return a.intersection(b).area


def overlaps(first: dict | None, second: dict | None) -> bool:
    return bool(first and second) and overlap_m2(first, second) > OVERLAP_TOLERANCE_M2


def rectangle(*, lon: float, lat: float, length_m: float, width_m: float) -> dict:
    """A length × width rectangle with its south-west corner at (lon, lat), e.g. for demo data and tests."""
    k = math.cos(math.radians(lat))
    d_lon = math.degrees(length_m / (EARTH_RADIUS_M * k))
    d_lat = math.degrees(width_m / EARTH_RADIUS_M)
    ring = [[lon, lat], [lon + d_lon, lat], [lon + d_lon, lat + d_lat], [lon, lat + d_lat], [lon, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring]]}


# --- The outline in the database (PostgreSQL's native polygon type) ------------------------------------

DB_REFERENCE_LAT = 52.0  # one fixed parallel for every stored outline, so that all rows share one plane
DB_INSET_M = 0.05  # gardens that only touch (or slip by less than 5 cm) do not conflict in the database


def db_polygon(outline: dict | None) -> str | None:
    """The outline as a PostgreSQL `polygon` literal in metres, inset by 5 cm, for the exclusion constraint.

    Every row is projected on the same parallel (the constraint compares rows with each other, so one plane for
    all; the scale error away from it only changes the 5 cm a little). PostgreSQL's `&&` counts a shared point as
    an overlap: the inset keeps neighbours that share an edge apart. A concave outline the inset splits keeps its
    largest part (the service's shapely check stays the primary one).
    """
    if not outline:
        return None
    inset = polygon_of(outline, reference_lat=DB_REFERENCE_LAT).buffer(-DB_INSET_M, join_style="mitre")
    if inset.is_empty:
        return None
    if inset.geom_type != "Polygon":
        inset = max(inset.geoms, key=lambda part: part.area)
    corners = list(inset.exterior.coords)[:-1]
    return "(" + ",".join(f"({x:.3f},{y:.3f})" for x, y in corners) + ")"
