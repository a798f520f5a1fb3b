"""The pages shown in the README, on the demo data: they must render; with SCREENSHOTS=1 they are also saved.

Refresh the README's pictures with
`SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_screenshots.py` (written to docs/screenshots/).
"""

from __future__ import annotations

import io
import os

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
    assert page.locator(".chart svg[role=img]").count() >= 1
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
