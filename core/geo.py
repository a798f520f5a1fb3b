"""Where a place is, when all we know is its street: an approximate point for a map.

Businesses and garden applications carry a street and a building number, not coordinates. Until they do (a
garden's drawn outline is used first), the map and the open data place them at their street's midpoint, spread
a few metres by building number so that neighbours do not hide each other, and say so
(`location_precision: "street"`). The points are the streets of the demo centres (Toruń's Old Town), read off
OpenStreetMap; a street not listed falls back to the city's centre, and a city not listed gets no point.
"""

from __future__ import annotations

import hashlib

# (latitude, longitude) in WGS 84.
CITY_CENTRES: dict[str, tuple[float, float]] = {
    "toruń": (53.01045, 18.60456),      # the Old Town Hall
    "bydgoszcz": (53.12350, 18.00760),  # Stary Rynek
}
STREETS: dict[str, dict[str, tuple[float, float]]] = {
    "toruń": {
        "rynek staromiejski": (53.01038, 18.60470),
        "szeroka": (53.01068, 18.60770),
        "różana": (53.00990, 18.60700),
        "królowej jadwigi": (53.01118, 18.60990),
        "rynek nowomiejski": (53.01150, 18.61330),
        "panny marii": (53.01112, 18.60280),
        "wielkie garbary": (53.01240, 18.60880),
        "łazienna": (53.00930, 18.60520),
        "żeglarska": (53.00920, 18.60390),
        "ducha świętego": (53.00980, 18.60180),
        "kopernika": (53.00880, 18.60470),
        "szewska": (53.01130, 18.61110),
        "szczytna": (53.01060, 18.61120),
        "podmurna": (53.01200, 18.60650),
        "most pauliński": (53.01030, 18.60130),
        "chełmińska": (53.01210, 18.60200),
        "świętej katarzyny": (53.01190, 18.61460),
        "pod krzywą wieżą": (53.00820, 18.60600),
        "bulwar filadelfijski": (53.00760, 18.60500),
        "mickiewicza": (53.01650, 18.60250),
        "bydgoska": (53.01450, 18.59300),
    },
}
SPREAD_DEGREES = 0.00018  # about 12-20 m: neighbours on one street stay apart on the map


def street_point(city: str, street: str | None, number: str = "") -> tuple[float, float] | None:
    """(latitude, longitude) of a street address, approximately; None when the city is unknown."""
    city_key = (city or "").strip().lower()
    base = STREETS.get(city_key, {}).get((street or "").strip().lower()) or CITY_CENTRES.get(city_key)
    if base is None:
        return None
    digest = hashlib.sha256(f"{street}|{number}".encode()).digest()
    d_lat = (digest[0] / 255 - 0.5) * 2 * SPREAD_DEGREES
    d_lon = (digest[1] / 255 - 0.5) * 2 * SPREAD_DEGREES * 1.6  # a degree of longitude is shorter here
    return round(base[0] + d_lat, 6), round(base[1] + d_lon, 6)


def point(lat: float, lon: float) -> dict:
    """A GeoJSON point (longitude first)."""
    return {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]}
