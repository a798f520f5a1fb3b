"""The café-garden permit journey in the browser, in both languages (issues 13 and 14).

A business owner applies in steps — the garden with its outline drawn on the map, the declarations (unticked until
the owner ticks them), the attachments, check your answers, "Send the application"; the office reviews on one
page (the site plan image, the rules with the breach in red) and approves straight from submitted; the owner
downloads the stored PDF, whose SHA-256 the public verification page shows; a bank statement is imported and
the permit's account reads paid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from centres.selectors import today
from gardens.models import AestheticRule, Attachment, GardenApplication
from gardens.pdf import verification_url
from tests.e2e.conftest import AXE_JS
from tests.e2e.helpers import choose_language, click_and_load, log_in, log_out, settle_animations, t
from tests.factories import PASSWORD, BusinessFactory, MembershipFactory, StaffFactory, StreetFactory, ZoneFactory
from tests.gardens.factories import RuleFactory, SeasonFactory, TierFactory, png_bytes, rate

pytestmark = pytest.mark.e2e

S = GardenApplication.Status
M = AestheticRule.Measure


@pytest.fixture
def garden_office(centre, settings):
    """A zone with a 4 PLN rate, a café and its owner, an open season around today with measured rules, staff."""
    settings.MAP_TILE_URL = ""  # a plain background: no tile server in tests
    zone = ZoneFactory(centre=centre, name="Starówka", slug="starowka")
    rate(zone, "4.00")
    street = StreetFactory(zone=zone, centre=centre, name="Szeroka")
    business = BusinessFactory(centre=centre, zone=zone, street=street, name="Kawiarnia Pod Aniołem")
    owner = MembershipFactory(business=business, role="owner").user
    start = today()
    end = start + dt.timedelta(days=29)
    season = SeasonFactory(centre=centre, year=start.year, summer_start=start - dt.timedelta(days=30),
                           summer_end=end + dt.timedelta(days=30), winter_start=None, winter_end=None)
    TierFactory(season=season, min_kinds=2, percent=Decimal("10"))
    rules = [
        RuleFactory(season=season, code="parasole", order=1, category=AestheticRule.Category.UMBRELLAS,
                    title_pl="Parasole do 3 m", title_en="Umbrellas up to 3 m", measure=M.UMBRELLA_HEIGHT_MAX,
                    limit=Decimal("3")),
        RuleFactory(season=season, code="zielen", order=2, category=AestheticRule.Category.GREENERY,
                    title_pl="Żywa zieleń jest obowiązkowa", title_en="Live greenery is mandatory",
                    measure=M.GREENERY_MIN, limit=1),
        RuleFactory(season=season, code="bez-reklam", order=3, category=AestheticRule.Category.ADVERTISING,
                    title_pl="Bez reklam na parasolach", title_en="No advertising on umbrellas"),
    ]
    return {"zone": zone, "street": street, "business": business, "owner": owner, "season": season,
            "rules": rules, "start": start, "end": end, "staff": StaffFactory(centres=[centre])}


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations. Evaluated through the DevTools protocol, which the page's
    Content-Security-Policy (no inline scripts) does not block, unlike an injected <script> tag."""
    source = AXE_JS.read_text(encoding="utf-8")
    settle_animations(page)
    page.evaluate("() => {" + source + "\n}")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def draw_rectangle(page) -> None:
    """With Leaflet.draw's polygon tool: four corners 60 × 45 px apart (about 5 × 4 m at zoom 20), then finish."""
    expect(page.locator("#garden-map[data-ready=true]")).to_have_count(1)
    page.locator(".leaflet-draw-draw-polygon").click()
    box = page.locator("#garden-map").bounding_box()
    x, y = box["x"] + box["width"] / 2 - 30, box["y"] + box["height"] / 2 - 22
    for dx, dy in ((0, 0), (60, 0), (60, 45), (0, 45)):
        page.mouse.click(x + dx, y + dy)
        page.wait_for_timeout(150)
    page.mouse.click(x, y)  # the first corner again closes the polygon


def test_garden_permit_journey(page, steps, lang, garden_office, live_server):
    office = garden_office
    owner, staff, business = office["owner"], office["staff"], office["business"]

    # 1. The owner opens the application, one thing per step: an empty submit first shows the error summary,
    #    whose links move the focus to the field.
    log_in(page, owner.email, PASSWORD, lang)
    page.goto("/ogrodki/wnioski/nowy/")
    expect(page.locator("ol.step-indicator li")).to_have_count(6)
    expect(page.locator("ol.step-indicator li[aria-current=step]")).to_have_count(1)
    expect(page.locator("#id_length_m")).to_have_count(0)  # the measurements are a step of their own
    click_and_load(page, page.locator("main form button[type=submit]"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    summary.locator("a[href='#id_address']").click()
    expect(page.locator("#id_address")).to_be_focused()
    steps("error summary")

    # 2. Where the garden stands; then its outline drawn on the map; then the measurements.
    page.select_option("#id_street", str(office["street"].pk))
    page.fill("#id_address", "ul. Szeroka 12")
    click_and_load(page, page.locator("main form button[type=submit]"))
    page.wait_for_url(re.compile(r"/ogrodki/wnioski/nowy/\?krok=mapa$"))
    expect(page.locator("ol.step-indicator li.done")).to_have_count(1)
    assert axe_violations(page) == [], "the map page passes axe"
    draw_rectangle(page)
    expect(page.locator("#outline-area")).not_to_have_text("—")
    assert page.locator("#id_outline").input_value().startswith('{"type":"Polygon"')
    steps("outline drawn")
    click_and_load(page, page.locator("main form button[type=submit]"))
    page.wait_for_url(re.compile(r"/ogrodki/wnioski/nowy/\?krok=wymiary$"))
    page.fill("#id_length_m", "5")
    page.fill("#id_width_m", "4")
    expect(page.locator("#id_area_m2")).to_have_value("20.00")  # length × width, as they are typed
    page.fill("#id_period_start", office["start"].isoformat())
    page.fill("#id_period_end", office["end"].isoformat())
    page.fill("#id_pedestrian_width_m", "2")
    page.fill("#id_umbrella_colour", "ecru")
    page.fill("#id_umbrella_height_m", "2.5")
    page.locator("input[name=greenery][value=tall_plants]").check()
    page.locator("input[name=greenery][value=planters]").check()
    steps("measurements")
    click_and_load(page, page.locator("main form button[type=submit]"))
    page.wait_for_url(re.compile(r"/ogrodki/wnioski/\d+/deklaracje/$"))
    application = GardenApplication.objects.get(business=business)
    assert application.outline["type"] == "Polygon" and application.outline_area_m2 > 0
    assert application.area_m2 == Decimal("20.00")  # length × width
    assert (application.street_id, application.building_number) == (office["street"].pk, "12")

    # 3. Declarations come unticked; the owner ticks two and explains the third.
    for rule in office["rules"]:
        assert not page.locator(f"input[name=complies_{rule.pk}]").is_checked()
    page.locator(f"input[name=complies_{office['rules'][0].pk}]").check()
    page.locator(f"input[name=complies_{office['rules'][1].pk}]").check()
    page.fill(f"textarea[name=comment_{office['rules'][2].pk}]", "Logo kawiarni na lambrekinie")
    click_and_load(page, page.locator("main form button[type=submit]"))
    page.wait_for_url(f"**/ogrodki/wnioski/{application.pk}/zalaczniki/")

    # 4. Attachments: a broken image is refused at the file field; then the site plan and a photo.
    page.select_option("select[name=kind]", Attachment.Kind.PHOTO)
    page.set_input_files("input[name=file]", files=[{"name": "x.jpg", "mimeType": "image/jpeg",
                                                      "buffer": b"not a picture"}])
    click_and_load(page, page.locator("main form button:has-text('%s')" % t(lang, "Attach the file")))
    expect(page.locator(".field.has-error #id_file_error")).to_have_count(1)
    for kind, name, size in ((Attachment.Kind.SITE_PLAN, "plan.png", (120, 80)),
                             (Attachment.Kind.PHOTO, "zielen.png", (64, 48))):
        page.select_option("select[name=kind]", kind)
        page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": "image/png",
                                                          "buffer": png_bytes(size)}])
        click_and_load(page, page.locator("main form button:has-text('%s')" % t(lang, "Attach the file")))
    assert application.attachments.count() == 2

    # 5. Check your answers, then send.
    click_and_load(page, page.locator("main a.button[href$='/sprawdz/']"))
    assert page.locator("h1").inner_text() == t(lang, "Check your answers before sending the application")
    steps("check your answers")
    send = page.locator("main form button[type=submit]")
    assert send.inner_text() == t(lang, "Send the application")
    click_and_load(page, send)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    log_out(page)

    # 6. The reviewer sees the plan image and the breach in red, and approves straight from submitted.
    page.goto("/admin/login/")
    page.fill("input[name=username]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    click_and_load(page, page.locator("#login-form input[type=submit]"))
    page.goto(f"/admin/gardens/gardenapplication/{application.pk}/review/")
    plan = page.locator("img[data-kind=site_plan]")
    expect(plan).to_be_visible()
    assert plan.evaluate("img => img.naturalWidth") == 120
    breach = page.locator("table.review-table tr.breach")
    expect(breach).to_have_count(1)
    assert "Logo kawiarni" in breach.inner_text()
    expect(page.locator("[data-garden-map][data-ready=true]")).to_have_count(1)
    steps("review page")
    page.locator("input[name=to][value=approved]").check()
    page.locator("input[name=confirmed_greenery][value=planters]").check()
    page.select_option("select[name=evidence_planters]", label="zielen.png")  # the photo the discount rests on
    click_and_load(page, page.locator("#content form input[type=submit]"))
    application.refresh_from_db()
    assert application.status == S.APPROVED and application.confirmed_greenery_kinds() == {"planters"}
    assert application.greenery_evidence.get().attachment.original_name == "zielen.png"

    # 7. A bank statement with the permit's transfer is imported.
    page.goto("/admin/gardens/paymentaccount/import/")
    statement = (f"Data operacji;Kwota;Tytuł\n{today().isoformat()};{application.fee_total};"
                 f"{application.permit_number} ogródek\n").encode()
    page.set_input_files("input[name=file]", files=[{"name": "wyciag.csv", "mimeType": "text/csv",
                                                      "buffer": statement}])
    click_and_load(page, page.locator("#content form input[type=submit]"))
    expect(page.locator("#import-report")).to_contain_text(application.permit_number)

    # 8. The office's dashboard shows the permit paid: one permit paid in full, none waiting or overdue.
    page.goto(f"/biuro/?centre={office['season'].centre.slug}")
    choose_language(page, lang)
    chart = page.locator("section#chart-garden-permits-by-payment, section[aria-labelledby="
                         "'chart-garden-permits-by-payment']")
    expect(chart).to_have_count(1)
    chart.locator("details summary").click()
    rows = {r.locator("th").inner_text().strip(): r.locator("td").inner_text().strip()
            for r in chart.locator("tbody tr").all()}
    assert rows[t(lang, "Paid in full")] == "1", rows
    assert rows[t(lang, "Not paid yet (before the due date)")] == "0"
    assert rows[t(lang, "Overdue")] == "0"
    paid = page.locator("section[aria-labelledby='chart-garden-payments'] tbody tr").filter(
        has_text=re.compile("^" + re.escape(t(lang, "Paid"))))
    expect(paid.first).to_be_attached()
    steps("dashboard shows the permit paid")
    page.context.clear_cookies()

    # 9. The owner downloads the stored PDF; the verification page shows its hash; the account reads paid.
    log_in(page, owner.email, PASSWORD, lang)
    page.goto(f"/ogrodki/wnioski/{application.pk}/")
    assert t(lang, "paid") in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.locator("main a[href$='/zezwolenie.pdf']").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    page.context.clear_cookies()
    page.goto(urlsplit(verification_url(application)).path)
    choose_language(page, lang)
    assert page.locator("code.permit-hash").inner_text() == hashlib.sha256(content).hexdigest()
    steps("verification with the hash")
