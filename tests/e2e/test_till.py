"""The till and My card in the browser: the camera scans a real QR code (Chromium's fake camera fed a video made
here), My card refreshes its code without a reload, the till checks a QR code offline and uploads it once, a
refused perk on a valid card is amber, and the till passes axe on a phone. Screenshots of both pages (desktop and
phone) are written to test-artifacts/screens/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno
from django.conf import settings as django_settings
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from loyalty import tokens
from loyalty.models import Check
from tests.e2e.conftest import ARTIFACTS, AXE_JS, CHROMIUM, CHROMIUM_ARGS
from tests.e2e.helpers import settle_animations
from tests.factories import BusinessFactory, MembershipFactory, UserFactory
from tests.loyalty.factories import CardFactory, PartnerFactory, PerkFactory

pytestmark = pytest.mark.e2e

SCREENS = ARTIFACTS / "screens"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shop(centre):
    partner = PartnerFactory(centre=centre, business=BusinessFactory(centre=centre, name="Piekarnia Pod Arkadami"))
    perk = PerkFactory(partner=partner, title_pl="Drożdżówka gratis", title_en="Free bun", kind="free_item",
                       value=None, daily_limit_per_card=1)
    cashier = MembershipFactory(business=partner.business, role="till",
                                user=UserFactory(first_name="Kamil", last_name="Kasowy")).user
    holder = UserFactory(first_name="Ewa", last_name="Nowak")
    card = CardFactory(centre=centre, holder=holder, first_name="Ewa", last_name="Nowak")
    return {"partner": partner, "perk": perk, "cashier": cashier, "card": card}


def sign_in(context, live_server, user) -> None:
    """A session for the user, as the log-in page would make it (the log-in journey is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def new_page(browser, live_server, user, *, viewport=None, **options):
    context = browser.new_context(base_url=live_server.url, locale="pl-PL", timezone_id="Europe/Warsaw",
                                  viewport=viewport or {"width": 1280, "height": 900}, **options)
    context.set_default_timeout(15_000)
    sign_in(context, live_server, user)
    return context, context.new_page()


def shoot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def qr_video(token: str, path: Path, *, size: int = 480, frames: int = 10) -> Path:
    """A Y4M video (4:2:0) of the token's QR code, white around it, for Chromium's fake camera."""
    qr = segno.make(token, error="m")
    scale = max(2, (size - 40) // (qr.symbol_size(scale=1, border=4)[0]))
    png = path.with_suffix(".png")
    qr.save(str(png), scale=scale, border=4)
    image = Image.new("L", (640, 480), 255)
    code = Image.open(png).convert("L")
    image.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    y = image.tobytes()
    chroma = bytes([128]) * (640 * 480 // 4)
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + y + chroma + chroma)
    return path


def axe_under_csp(page) -> list[dict]:
    """axe-core's serious and critical violations, injected through the DevTools protocol (which the page's CSP
    does not govern, unlike the conftest fixture's inline script tag)."""
    settle_animations(page)
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def wait_for_till(page) -> None:
    """The till holds the keys and the revocation list (locators, not wait_for_function: the CSP forbids eval)."""
    page.locator("#till[data-offline-ready='1']").wait_for(state="attached")


def test_camera_scans_a_real_qr_code(browser, live_server, transactional_db, shop, tmp_path):
    video = qr_video(tokens.mint_for_card(shop["card"]).token, tmp_path / "card.y4m")
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
    try:
        context, page = new_page(camera_browser, live_server, shop["cashier"], permissions=["camera"])
        page.goto("/moja-starowka/kasa/")
        wait_for_till(page)
        page.select_option("select[name=perk]", label="Drożdżówka gratis")
        page.locator("#till-scan").click()
        result = page.locator("#till-result")
        result.locator(".ms-verdict").wait_for()
        assert result.get_attribute("class").split() == ["ms-result", "green"]
        assert "Ewa N." in result.inner_text()
        check = Check.objects.get()
        assert (check.method, check.result, check.accepted) == ("qr", "valid", True)
        context.close()
    finally:
        camera_browser.close()


def test_my_card_refreshes_its_code_without_a_reload(browser, live_server, transactional_db, shop, settings):
    settings.LOYALTY_TOKEN_WINDOW_SECONDS = 5  # a new token every second, each alive 5 seconds
    context, page = new_page(browser, live_server, shop["card"].holder)
    page.goto("/moja-starowka/karta/")
    code = page.locator("#ms-code")
    first_code = code.inner_text()
    first_qr = page.locator(".ms-qr").inner_html()
    page.evaluate("window.__samePage = true")
    expect(code).not_to_have_text(first_code, timeout=15_000)
    assert page.evaluate("window.__samePage") is True, "no reload"
    assert page.locator(".ms-qr").inner_html() != first_qr
    assert page.locator(".ms-qr svg title").count() == 1
    settings.LOYALTY_TOKEN_WINDOW_SECONDS = 300
    page.reload()
    shoot(page, "my-card-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, "my-card-phone")
    context.close()


def test_till_verifies_offline_and_uploads_once(browser, live_server, transactional_db, shop):
    token = tokens.mint_for_card(shop["card"]).token
    context, page = new_page(browser, live_server, shop["cashier"])
    page.goto("/moja-starowka/kasa/")
    wait_for_till(page)
    page.locator("#till[data-service-worker='1']").wait_for(state="attached")
    page.reload()  # now controlled by the service worker, which keeps the page
    wait_for_till(page)
    context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    page.reload()  # the installed till opens with no network (the service worker answers from its cache)
    assert page.locator("h1").count() == 1 and page.locator("#till-form").count() == 1
    page.fill("input[name=token]", token)
    page.select_option("select[name=perk]", label="Drożdżówka gratis")
    page.locator("#till-form button[type=submit]").click()
    result = page.locator("#till-result")
    result.locator(".ms-verdict").wait_for()
    assert result.get_attribute("class").split() == ["ms-result", "green"], result.inner_text()
    assert "Ewa N." in result.inner_text()
    assert page.locator("#till-shift li").first.get_attribute("data-client-id")
    assert Check.objects.count() == 0, "nothing reached the server while offline"
    # A typed number cannot be checked offline.
    page.fill("input[name=number]", shop["card"].number)
    page.locator("#till-form button[type=submit]").click()
    expect(page.locator("#till-network")).to_contain_text(re.compile("offline|sieci"))
    context.set_offline(False)
    page.locator("#till[data-uploaded='1']").wait_for(state="attached")
    page.reload()  # a second page load finds an empty queue
    wait_for_till(page)
    page.wait_for_timeout(500)
    check = Check.objects.get()
    assert (check.result, check.accepted, check.flagged) == ("valid", True, False)
    assert check.offline_client_id is not None and check.checked_at is not None
    context.close()


def test_refused_perk_on_a_valid_card_is_amber_and_the_till_passes_axe_on_a_phone(browser, live_server,
                                                                                 transactional_db, shop):
    context, page = new_page(browser, live_server, shop["cashier"], viewport=PHONE)
    page.goto("/moja-starowka/kasa/")
    wait_for_till(page)
    assert page.locator("input[name=number]").get_attribute("inputmode") == "numeric"
    assert page.locator("input[name=code]").get_attribute("inputmode") == "numeric"
    assert "Piekarnia Pod Arkadami" in page.locator(".till-who").inner_text()
    assert "Kamil Kasowy" in page.locator(".till-who").inner_text()
    assert axe_under_csp(page) == []
    minted = tokens.mint_for_card(shop["card"])
    for expected in ("green", "amber"):  # the second use of the day goes over the limit of one
        page.fill("input[name=number]", shop["card"].number)
        page.fill("input[name=code]", minted.code)
        page.select_option("select[name=perk]", label="Drożdżówka gratis")
        page.locator("#till-form button[type=submit]").click()
        page.locator(f"#till-result.{expected}").wait_for()
    result = page.locator("#till-result")
    assert result.get_attribute("aria-live") == "assertive"
    assert result.get_attribute("class").split() == ["ms-result", "amber"]
    assert "limit" in result.inner_text()
    assert page.locator("#till-shift li").count() == 2
    shoot(page, "till-phone")
    assert axe_under_csp(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, "till-desktop")
    context.close()
