"""Office staff in the browser: from the admin to the dashboard, and a spreadsheet import with a bad row."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from centres.demo import valid_nip
from centres.models import Business
from tests.e2e.helpers import choose_language, click_and_load, log_in, t
from tests.factories import PASSWORD, BusinessFactory, StaffFactory, StreetFactory, ZoneFactory

pytestmark = pytest.mark.e2e

HEADER = "nip,name,street,building_number,zone,category,email,phone,website,is_active\n"


@pytest.fixture
def office(centre):
    zone = ZoneFactory(centre=centre, name="Starówka", slug="starowka")
    street = StreetFactory(zone=zone, centre=centre, name="Szeroka")
    BusinessFactory.create_batch(2, centre=centre, zone=zone, street=street)
    return {"staff": StaffFactory(centres=[centre]), "street": street}


def test_staff_open_the_dashboard_from_the_admin(page, steps, axe, lang, office):
    log_in(page, office["staff"].email, PASSWORD, lang)
    page.goto("/admin/")
    steps("admin index")
    page.locator("#office-pages a", has_text=t(lang, "Dashboard")).click()
    page.wait_for_url("**/biuro/")
    assert page.locator(".chart ol.bars").count() >= 1
    chart_bars = page.locator("section[aria-labelledby=chart-businesses-per-zone] .bar-row")
    track = chart_bars.first.locator(".bar-track").bounding_box()["width"]
    fill = chart_bars.first.locator(".bar-fill").bounding_box()["width"]
    assert abs(fill - track) < 1, "the bar is drawn at full length in both languages"
    chart = page.locator("section[aria-labelledby=chart-businesses-per-zone]")
    chart.locator("details summary").click()
    assert chart.locator("details table tbody tr").first.inner_text().split("\t") == ["Starówka", "2"]
    steps("dashboard")
    assert axe(page) == []
    with page.expect_download() as download:
        chart.locator("a[href*='/biuro/wykresy/']").click()
    assert download.value.suggested_filename.endswith("-businesses-per-zone.csv")


def test_import_with_a_bad_row_writes_nothing_then_the_corrected_file_imports(page, steps, axe, lang, office):
    street = office["street"]
    good = [f"{valid_nip(8_000_000 + i * 7919)},Nowa Firma {i},{street.name},{i + 1},,cafe,n{i}@example.org,,,1"
            for i in range(3)]
    bad = good.copy()
    bad[1] = bad[1].replace("n1@example.org", "not-an-e-mail")
    log_in(page, office["staff"].email, PASSWORD, lang)
    page.goto("/biuro/import-eksport/")
    choose_language(page, lang)
    steps("imports page")
    assert axe(page) == []

    page.select_option("select[name=dataset]", "businesses")
    page.set_input_files("input[name=file]", files=[{"name": "firmy.csv", "mimeType": "text/csv",
                                                      "buffer": (HEADER + "\n".join(bad)).encode()}])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/zadanie/**")
    error_row = page.locator("table.errors tbody tr")
    assert error_row.count() == 1
    assert error_row.locator("td").nth(0).inner_text() == "3"
    assert error_row.locator("td").nth(1).inner_text() == "email"
    assert page.locator("form[action$='/zatwierdz/']").count() == 0
    assert Business.objects.filter(name__startswith="Nowa Firma").count() == 0
    steps("errors named by row and column")
    assert axe(page) == []

    page.goto("/biuro/import-eksport/")
    page.select_option("select[name=dataset]", "businesses")
    page.set_input_files("input[name=file]", files=[{"name": "firmy.csv", "mimeType": "text/csv",
                                                      "buffer": (HEADER + "\n".join(good)).encode()}])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/zadanie/**")
    assert page.locator("table tbody tr").count() == 3
    steps("preview")
    click_and_load(page, page.locator("form[action$='/zatwierdz/'] button"))
    assert t(lang, "imported") in page.locator("#job-state").inner_text()
    assert Business.objects.filter(name__startswith="Nowa Firma").count() == 3
    steps("imported")


def test_a_long_import_shows_its_progress_and_the_page_follows_the_worker(page, steps, lang, office):
    """The job page polls the job's state: the bar moves as the worker reports rows, then the result appears."""
    from office import imports

    job = {"id": "e2e0progress", "dataset": "businesses", "centre_id": office["street"].centre_id,
           "user_id": office["staff"].pk, "filename": "duzy.csv", "path": "office-imports/none.csv", "format": "csv",
           "state": imports.State.CHECKING, "processed": 250, "total": 1000, "totals": {}, "errors": [],
           "preview": [], "headers": [], "created": "", "confirmed_by": None}
    imports._save_job(job)
    log_in(page, office["staff"].email, PASSWORD, lang)
    page.goto("/biuro/import-eksport/zadanie/e2e0progress/")
    assert page.locator("#progress-bar").get_attribute("value") == "250"
    steps("a quarter checked")
    imports._save_job({**job, "processed": 750})
    expect(page.locator("#progress-bar")).to_have_js_property("value", 750)  # no wait_for_function: the CSP bars eval
    steps("three quarters checked")
    imports._save_job({**job, "processed": 1000, "state": imports.State.CHECKED, "totals": {"new": 1000}})
    page.wait_for_selector("form[action$='/zatwierdz/']")
    assert page.locator("#progress-bar").count() == 0
    steps("checked, ready to import")
