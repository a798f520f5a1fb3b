"""axe-core (from the npm registry, `make e2e-deps`) finds no serious or critical violation on the public pages.

The pages are checked on the demo data, as visitors see them, in both languages. The checks only read, so the
demo data is seeded once for the module (tests/e2e/conftest.py's demo_site), not once for each page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from contests.models import Contest
from gardens.models import GardenApplication
from loyalty.models import Partner
from murals.models import Mural, Wall
from tests.e2e.conftest import LANGUAGES, live_server_on_demo_site
from tests.e2e.helpers import choose_language

pytestmark = pytest.mark.e2e

_live_server_helper = pytest.fixture(autouse=True)(live_server_on_demo_site)


@pytest.fixture
def page_db(demo_site_db) -> None:
    """The module's demo site (seeded once), not an empty database for each test."""

PUBLIC_PAGES: dict[str, Callable[[], str]] = {
    "home": lambda: reverse("home"),
    "perks": lambda: reverse("loyalty:perk-list"),
    "partner": lambda: reverse("loyalty:partner-detail", args=[Partner.objects.order_by("pk").first().pk]),
    "garden-register": lambda: reverse("gardens:register"),
    "fee-quote": lambda: reverse("gardens:fee-quote"),
    "permit-verification": lambda: reverse("gardens:verify", args=[
        GardenApplication.objects.filter(status="approved").order_by("pk").first().verification_token]),
    "contests": lambda: reverse("contests:contest-list"),
    "contest": lambda: reverse("contests:contest-detail", args=[
        Contest.objects.filter(kind="green_garden").order_by("-year").first().pk]),
    "murals": lambda: reverse("murals:gallery"),
    "mural": lambda: reverse("murals:mural-detail", args=[Mural.objects.order_by("pk").first().pk]),
    "trail": lambda: reverse("murals:trail"),
    "wall": lambda: reverse("murals:wall-detail", args=[Wall.objects.order_by("pk").first().pk]),
    "businesses": lambda: reverse("business-list"),
    "login": lambda: reverse("login"),
    "signup": lambda: reverse("signup"),
}


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_has_no_serious_accessibility_violation(page, steps, axe, name):
    page.goto(PUBLIC_PAGES[name]())
    assert page.locator("main h1").count() == 1
    for lang in LANGUAGES:
        choose_language(page, lang)
        steps(f"{name} ({lang})")
        violations = axe(page)
        assert violations == [], (lang, violations)
