"""axe-core (from the npm registry, `make e2e-deps`) finds no serious or critical violation on the public pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from tests.e2e.helpers import choose_language

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = ["home", "loyalty:perk-list", "gardens:register", "contests:contest-list", "murals:gallery",
                "login", "signup"]


@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violation(page, steps, axe, lang, url_name):
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        pytest.skip(f"the page {url_name} is not built yet")
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - real content, as visitors see it
    page.goto(url)
    choose_language(page, lang)
    steps(url_name)
    violations = axe(page)
    assert violations == [], violations
