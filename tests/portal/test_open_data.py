"""Open data: the map's three layers as GeoJSON and CSV, anonymous, licence stated, documented in the schema.

Seeding the demo takes a while, so each test below seeds once and checks several things."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from core.dates import today
from gardens.models import GardenApplication
from murals.models import Mural

DATASETS = ("gardens", "murals", "partners")


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def _features(dataset: str, query: str = "") -> list[dict]:
    return Client().get(f"/api/v1/open-data/{dataset}.geojson{query}").json()["features"]


def test_each_layer_is_geojson_and_csv_with_its_licence(demo):
    for dataset in DATASETS:
        response = Client().get(f"/api/v1/open-data/{dataset}.geojson")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/geo+json")
        data = response.json()
        assert data["type"] == "FeatureCollection" and data["licence"]["name"] == "CC BY 4.0"
        assert data["features"], f"the demo centre has {dataset}"
        placed = [f for f in data["features"] if f["geometry"]]
        assert placed, f"some {dataset} are on the map"
        for feature in placed:
            geometry = feature["geometry"]
            assert geometry["type"] in {"Point", "Polygon"}
            lon, lat = geometry["coordinates"] if geometry["type"] == "Point" else geometry["coordinates"][0][0]
            assert 52.9 < lat < 53.1 and 18.5 < lon < 18.7, "in Toruń, longitude first"

        csv = Client().get(f"/api/v1/open-data/{dataset}.csv")
        assert csv.status_code == 200 and 'rel="license"' in csv["Link"]
        lines = csv.content.decode("utf-8-sig").strip().splitlines()
        assert lines[0].startswith("id;") and lines[0].endswith(";latitude;longitude")
        assert len(lines) - 1 == len(data["features"])

    ids = {f["id"] for f in _features("gardens")}
    permits = GardenApplication.objects.filter(pk__in=ids)
    assert not permits.exclude(status="approved").exists(), "only permitted gardens"
    assert permits.values("season").distinct().count() == 1, "of one season, the current one"


def test_outline_removed_murals_and_unknown_centre(demo):
    permit = GardenApplication.objects.filter(status="approved", season__year__gte=today().year).first()
    feature_ids = {f["id"] for f in _features("gardens")}
    if hasattr(permit, "outline") and permit.pk in feature_ids:
        square = {"type": "Polygon", "coordinates": [[[18.6047, 53.0104], [18.6048, 53.0104], [18.6048, 53.01045],
                                                      [18.6047, 53.01045], [18.6047, 53.0104]]]}
        GardenApplication.objects.filter(pk=permit.pk).update(outline=square)
        cache.clear()  # a queryset update sends no signal to renew the cached layer
        feature = next(f for f in _features("gardens") if f["id"] == permit.pk)
        assert feature["geometry"] == square and feature["properties"]["location_precision"] == "outline"

    mural = Mural.objects.filter(latitude__isnull=False).first()
    Mural.objects.filter(pk=mural.pk).update(status="removed")
    cache.clear()
    assert mural.pk not in {f["id"] for f in _features("murals")}

    assert _features("murals", "?centre=nie-ma") == []


def test_open_data_is_documented_under_its_own_tag(db):
    schema = Client().get("/api/schema/?format=json").json()
    for dataset in DATASETS:
        for fmt in ("geojson", "csv"):
            operation = schema["paths"][f"/api/v1/open-data/{dataset}.{fmt}"]["get"]
            assert operation["tags"] == ["open-data"] and "CC BY 4.0" in operation["description"]
    tags = {t["name"]: t["description"] for t in schema["tags"]}
    assert {"loyalty", "gardens", "contests", "murals", "centres", "open-data"} <= set(tags)
    used = {tag for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)
            for tag in op.get("tags", [])}
    assert used <= set(tags), "every operation is under one of the described tags"
