"""The pages shown in the README, on the demo data: they must render; with SCREENSHOTS=1 they are also saved.

Refresh the README's pictures with
`SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_screenshots.py` (written to docs/screenshots/).
"""

from __future__ import annotations

import io
import os
import re

import pytest
from django.core.management import call_command

from centres import demo
from tests.e2e.conftest import ROOT
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.e2e

OUT = ROOT / "docs" / "screenshots"


def _save(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS"):
        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / name), full_page=True)


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def test_dashboard_on_demo_data(page, steps, demo_data):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, demo.DEMO_ACCOUNTS["staff"], demo.DEMO_PASSWORD, "pl")
    page.goto("/biuro/")
    assert page.locator(".chart ol.bars").count() >= 1
    steps("dashboard")
    _save(page, "dashboard.png")


def test_my_card_on_demo_data(page, steps, demo_data):
    """The demo resident's card: the QR code, status and validity, readable on a phone at the till."""
    page.set_viewport_size({"width": 420, "height": 900})
    log_in(page, demo.DEMO_ACCOUNTS["resident"], demo.DEMO_PASSWORD, "pl")
    page.goto("/moja-starowka/karta/")
    qr = page.locator("main svg").first
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150, "the QR code is shown large enough to scan"
    steps("my card")
    _save(page, "my-card.png")


def test_map_on_demo_data(page, steps, demo_data, settings):
    """The centre map: gardens, murals (with the trail) and partners, on a plain background (no tile server)."""
    settings.MAP_TILE_URL = ""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/mapa/")
    page.wait_for_selector("[data-map][data-ready='1']")
    assert page.locator("path.map-feature-murals").count() >= 1
    steps("map")
    _save(page, "map.png")


def test_till_on_demo_data(browser, live_server, page, steps, demo_data):
    """The till of a partner café on a phone: the demo resident's card checked with the number and the code."""
    from loyalty import demo as loyalty_demo

    resident = browser.new_context(base_url=live_server.url, locale="pl-PL", viewport={"width": 420, "height": 900})
    card_page = resident.new_page()
    log_in(card_page, demo.DEMO_ACCOUNTS["resident"], demo.DEMO_PASSWORD, "pl")
    card_page.goto("/moja-starowka/karta/")
    number = card_page.locator(".ms-number .digits").inner_text().strip()
    code = card_page.locator("#ms-code").inner_text().strip()
    resident.close()

    page.set_viewport_size({"width": 420, "height": 900})
    log_in(page, loyalty_demo.TILL_EMAIL, demo.DEMO_PASSWORD, "pl")
    page.goto("/moja-starowka/kasa/")
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code)
    page.locator("main form#till-form button[type=submit]").click()
    page.locator("section.ms-result .ms-verdict").wait_for()
    facts = page.locator("section.ms-result dl.facts").inner_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}", facts), f"the validity is a Polish date: {facts}"
    steps("till")
    _save(page, "till.png")
