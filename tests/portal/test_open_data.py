"""Open data: the map's three layers as GeoJSON and CSV, anonymous, licence stated, documented in the schema."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from core.dates import today
from gardens.models import GardenApplication
from murals.models import Mural

DATASETS = ("gardens", "murals", "partners")


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("dataset", DATASETS)
def test_geojson_layer_is_a_feature_collection_with_its_licence(demo, dataset):
    response = Client().get(f"/api/v1/open-data/{dataset}.geojson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["licence"]["name"] == "CC BY 4.0"
    assert data["features"], f"the demo centre has {dataset}"
    for feature in data["features"]:
        assert feature["geometry"]["type"] in {"Point", "Polygon"}
        lon, lat = (feature["geometry"]["coordinates"] if feature["geometry"]["type"] == "Point"
                    else feature["geometry"]["coordinates"][0][0])
        assert 52.9 < lat < 53.1 and 18.5 < lon < 18.7, "in Toruń, longitude first"


@pytest.mark.parametrize("dataset", DATASETS)
def test_csv_layer_has_the_same_rows_with_coordinates(demo, dataset):
    geojson = Client().get(f"/api/v1/open-data/{dataset}.geojson").json()
    response = Client().get(f"/api/v1/open-data/{dataset}.csv")
    assert response.status_code == 200 and 'rel="license"' in response["Link"]
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("id;") and lines[0].endswith(";latitude;longitude")
    assert len(lines) - 1 == len(geojson["features"])


def test_gardens_layer_holds_only_permits_of_the_current_season(demo):
    ids = {f["id"] for f in Client().get("/api/v1/open-data/gardens.geojson").json()["features"]}
    season_year = max(GardenApplication.objects.filter(pk__in=ids).values_list("season__year", flat=True))
    assert GardenApplication.objects.filter(pk__in=ids).exclude(status="approved").count() == 0
    assert GardenApplication.objects.filter(pk__in=ids).exclude(season__year=season_year).count() == 0


def test_a_drawn_outline_is_the_gardens_geometry(demo):
    permit = GardenApplication.objects.filter(status="approved", season__year__gte=today().year).first()
    if not hasattr(permit, "outline"):
        pytest.skip("gardens have no outline field yet")
    square = {"type": "Polygon", "coordinates": [[[18.6047, 53.0104], [18.6048, 53.0104], [18.6048, 53.01045],
                                                  [18.6047, 53.01045], [18.6047, 53.0104]]]}
    GardenApplication.objects.filter(pk=permit.pk).update(outline=square)
    features = Client().get("/api/v1/open-data/gardens.geojson").json()["features"]
    feature = next((f for f in features if f["id"] == permit.pk), None)
    if feature is None:
        pytest.skip("the first approved permit is not of the current season")
    assert feature["geometry"] == square and feature["properties"]["location_precision"] == "outline"


def test_removed_murals_are_not_open_data(demo):
    mural = Mural.objects.filter(latitude__isnull=False).first()
    Mural.objects.filter(pk=mural.pk).update(status="removed")
    ids = {f["id"] for f in Client().get("/api/v1/open-data/murals.geojson").json()["features"]}
    assert mural.pk not in ids


def test_open_data_is_documented_under_its_own_tag(db):
    schema = Client().get("/api/schema/?format=json").json()
    for dataset in DATASETS:
        for fmt in ("geojson", "csv"):
            operation = schema["paths"][f"/api/v1/open-data/{dataset}.{fmt}"]["get"]
            assert operation["tags"] == ["open-data"] and "CC BY 4.0" in operation["description"]


def test_unknown_centre_gives_an_empty_collection(demo):
    data = Client().get("/api/v1/open-data/murals.geojson?centre=nie-ma").json()
    assert data["features"] == []
