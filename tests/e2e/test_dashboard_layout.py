"""The dashboard on a desktop and on a phone: long names and big numbers stay inside their bars and boxes, and the
page never scrolls sideways (issue 14). With SHOTS_DIR set, the screenshots are saved there to look at."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from tests.e2e.helpers import choose_language, log_in
from tests.factories import PASSWORD, BusinessFactory, FeeRateFactory, StaffFactory, ZoneFactory

pytestmark = pytest.mark.e2e
LONG = "Strefa ochrony konserwatorskiej Zespołu Staromiejskiego i Nowomiejskiego wraz z bulwarem"


@pytest.mark.parametrize("width, lang", [(1280, "pl"), (390, "pl"), (390, "en")])
def test_long_names_and_big_numbers_stay_in_their_boxes(page, centre, width, lang):
    zone = ZoneFactory(centre=centre, name=LONG)
    FeeRateFactory(zone=zone, price_pln=Decimal("999999.99"))  # the largest rate the column holds
    BusinessFactory.create_batch(3, centre=centre, zone=zone)
    BusinessFactory(centre=centre, zone=ZoneFactory(centre=centre, name="Rynek"))
    staff = StaffFactory(centres=[centre])
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, staff.email, PASSWORD, lang)
    choose_language(page, lang)
    page.goto("/biuro/")
    assert page.locator(".bar-label", has_text=LONG).count() >= 1, "the name is printed whole"
    if os.environ.get("SHOTS_DIR"):
        page.screenshot(path=f"{os.environ['SHOTS_DIR']}/dashboard-{width}-{lang}.png", full_page=True)
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.chart, .headline .tile, .bar-row > *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className + ': ' + e.textContent.trim())""")
    assert overflowing == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    for row in page.locator(".bar-row").all()[:20]:
        value, box = row.locator(".bar-value").bounding_box(), row.bounding_box()
        assert value["x"] + value["width"] <= box["x"] + box["width"] + 1, "the value stays in its row"


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a_wide_table_scrolls_in_its_box_on_a_phone(page, centre, lang):
    """The owner's list of applications is wider than a phone: it scrolls inside its box, the page does not. A
    visually-hidden column header (absolutely positioned) used to escape the scroller and widen the page to
    ~800 px, because the scroller was not a positioned box."""
    from tests.factories import MembershipFactory
    from tests.gardens.factories import ApplicationFactory

    membership = MembershipFactory(business=BusinessFactory(centre=centre))
    ApplicationFactory.create_batch(2, business=membership.business, address=LONG)
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, membership.user.email, PASSWORD, lang)
    page.goto("/ogrodki/wnioski/")
    assert page.locator(".table-scroll table").count() == 1
    assert page.evaluate("document.querySelector('.table-scroll').scrollWidth") > 390, "the table is wide"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling of the page"
