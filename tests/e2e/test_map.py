"""The centre map draws what the open-data API holds: as many features on each layer as the GeoJSON has, the
murals trail as a route; axe finds no serious violation; the murals trail page numbers its stops on a map."""

from __future__ import annotations

import json
import os

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.e2e.conftest import LANGUAGES, ROOT, live_server_on_demo_site
from tests.e2e.helpers import choose_language
from tests.e2e.test_till import axe_under_csp

pytestmark = pytest.mark.e2e

LAYERS = ("gardens", "murals", "partners")


# The map tests only read the demo data: it is seeded once for the module (tests/e2e/conftest.py's demo_site).
_live_server_helper = pytest.fixture(autouse=True)(live_server_on_demo_site)


@pytest.fixture
def page_db(demo_site_db) -> None:
    """The module's demo site (seeded once), not an empty database for each test."""


@pytest.fixture
def demo_map(demo_site_db, settings):
    settings.MAP_TILE_URL = ""  # a plain background: the tests need no tile server


def _api_counts() -> dict[str, int]:
    counts = {}
    for layer in LAYERS:
        data = json.loads(Client().get(f"/api/v1/open-data/{layer}.geojson").content)
        counts[layer] = sum(1 for f in data["features"] if f["geometry"])
    return counts


def _shoot(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS"):
        out = ROOT / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / name), full_page=True)


def test_map_draws_every_feature_of_the_three_layers(page, steps, demo_map):
    expected = _api_counts()
    assert all(expected.values()), f"the demo has something on every layer: {expected}"
    page.goto("/mapa/")
    page.wait_for_selector("[data-map][data-ready='1']")
    drawn = {layer: page.locator(f"path.map-feature-{layer}").count() for layer in LAYERS}
    assert drawn == expected
    for layer in LAYERS:
        assert page.locator(f"[data-map-layer='{layer}']").get_attribute("data-drawn") == str(expected[layer])
        assert page.locator(f"[data-map-layer='{layer}'] [data-layer-count]").inner_text() == f"({expected[layer]})"
    assert page.locator("path.map-trail").count() == 1, "the murals trail is drawn as one route"
    steps("map")
    _shoot(page, "map.png")

    page.locator("[data-layer-toggle='partners']").uncheck()
    assert page.locator("path.map-feature-partners").count() == 0
    page.locator("[data-layer-toggle='partners']").check()
    assert page.locator("path.map-feature-partners").count() == expected["partners"]

    page.locator("path.map-feature-murals").first.click(force=True)
    expect(page.locator(".leaflet-popup-content a"), "a mural's popup links to its page").to_have_count(1)

    for lang in LANGUAGES:
        choose_language(page, lang)
        page.wait_for_selector("[data-map][data-ready='1']")
        assert axe_under_csp(page) == [], lang


def test_map_on_a_phone(page, steps, demo_map):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/mapa/")
    page.wait_for_selector("[data-map][data-ready='1']")
    box = page.locator("[data-map]").bounding_box()
    assert box["width"] <= 390 and box["height"] >= 300
    steps("map on a phone")
    _shoot(page, "map-phone.png")


def test_trail_page_draws_the_route_with_numbered_stops(page, steps, demo_map):
    page.goto("/murale/szlak/")
    page.wait_for_selector("[data-map][data-ready='1']")
    stops = page.locator("ol.trail-list > li").count()
    assert page.locator(".map-stop").count() == stops
    numbers = sorted(int(text) for text in page.locator(".map-stop").all_inner_texts())
    assert numbers == list(range(1, stops + 1)), "the map numbers the stops as the list does"
    assert page.locator("path.map-trail").count() == 1
    assert "Coordinates" not in page.content() and "Współrzędne" not in page.content()
    steps("trail")
    assert axe_under_csp(page) == []
