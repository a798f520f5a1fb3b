"""The Moja Starówka journey in the browser, in both languages: a resident signs up and applies for a card, office
staff activate it in the admin, the resident sees the QR code on My card, a partner's till verifies the card and
accepts a perk, and the resident sees the use in their history.

The resident, the office staff and the cashier each have their own browser context (their sessions would clash);
every context's step screenshots are written under test-artifacts/<test id>/ when the test fails.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator

import pytest
import segno
from django.core import mail
from django.utils import translation

from centres.models import User
from centres.selectors import today
from loyalty import tokens
from loyalty.models import Card, CardEvent, Check, Perk
from tests.e2e.conftest import _REPORTS, ARTIFACTS, Steps, _slug
from tests.e2e.helpers import choose_language, click_and_load, log_in, t
from tests.e2e.test_till import axe_under_csp
from tests.factories import PASSWORD, BusinessFactory, MembershipFactory, StaffFactory, UserFactory
from tests.loyalty.factories import PartnerFactory, PerkFactory

pytestmark = pytest.mark.e2e

PARTNER_NAME = "Kawiarnia Pod Ratuszem"
PERK_TITLE = {"pl": "Kawa za pół ceny", "en": "Half-price coffee"}


def shown(lang: str, msgid: str) -> str:
    """`t`, and in Polish the msgid must have a translation: an untranslated one would show English on both sides
    of the assertion and pass unnoticed."""
    text = t(lang, msgid)
    assert lang != "pl" or text != msgid, f"no Polish translation of {msgid!r}"
    return text


def shown_status(lang: str, word: str) -> str:
    """A card status as the pages show it (msgctxt "card status")."""
    with translation.override(lang):
        text = str(translation.pgettext("card status", word))
    assert lang != "pl" or text != word, f"no Polish translation of the card status {word!r}"
    return text


def shown_n(lang: str, singular: str, plural: str, n: int) -> str:
    """The same for a plural msgid."""
    with translation.override(lang):
        text = str(translation.ngettext(singular, plural, n))
    assert lang != "pl" or text not in (singular, plural), f"no Polish translation of {singular!r}"
    return text


def check_method(card) -> str:
    return Check.objects.get(card=card).method


def dark_modules(path_d: str) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's SVG path (one horizontal stroke per run), from the top-left module."""
    x = y = 0.0
    cells: set[tuple[int, int]] = set()
    for command, a, b in re.findall(r"([Mmh])\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?", path_d):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            cells.update((int(x) + i, int(y)) for i in range(int(float(a))))
            x += float(a)
    return _from_top_left(cells)


def dark_modules_of(content: str) -> set[tuple[int, int]]:
    """The dark modules of the QR code segno makes for the content (as the page does: error level M)."""
    matrix = segno.make(content, error="m").matrix
    return _from_top_left({(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark})


def _from_top_left(cells: set[tuple[int, int]]) -> set[tuple[int, int]]:
    left, top = min(x for x, _ in cells), min(y for _, y in cells)
    return {(x - left, y - top) for x, y in cells}


@pytest.fixture
def other_page(request: pytest.FixtureRequest, browser, live_server, page) -> Iterator[Callable[[str], object]]:
    """Open a page in a new browser context (its own cookies) named `name`; on failure its steps are saved in
    test-artifacts/<test id>/<name>/ next to the main page's."""
    opened: list[tuple[str, object, object]] = []

    def open_page(name: str):
        context = browser.new_context(base_url=live_server.url, locale="pl-PL", timezone_id="Europe/Warsaw",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        new = context.new_page()
        new.steps = Steps(new)
        opened.append((name, context, new))
        return new

    yield open_page
    failed = any(r.failed for r in request.node.stash.get(_REPORTS, {}).values())
    for name, context, new in opened:
        if failed:
            directory = ARTIFACTS / _slug(request.node.nodeid.replace("/", "_")) / name
            shutil.rmtree(directory, ignore_errors=True)  # no screenshots left from an earlier run
            new.steps.save(directory)
        context.close()


@pytest.fixture
def programme(centre):
    """A partner café of the centre with a perk, its till staff (a cashier) and the centre's office staff."""
    business = BusinessFactory(centre=centre, name=PARTNER_NAME)
    partner = PartnerFactory(centre=centre, business=business)
    perk = PerkFactory(partner=partner, title_pl=PERK_TITLE["pl"], title_en=PERK_TITLE["en"],
                       kind=Perk.Kind.PERCENT, value=50, daily_limit_per_card=1)
    cashier = MembershipFactory(business=business, role="till",
                                user=UserFactory(first_name="Kamil", last_name="Kasowy")).user
    return {"partner": partner, "perk": perk, "cashier": cashier, "staff": StaffFactory(centres=[centre])}


def test_resident_card_from_sign_up_to_till_use(page, steps, axe, lang, other_page, programme):
    email = f"ewa.karta.{lang}@example.org"

    # --- The resident signs up and confirms the e-mail address. ---
    page.goto("/")
    choose_language(page, lang)
    click_and_load(page, page.locator("header a[href='/konto/zaloz/']"))
    assert page.locator("h1").inner_text() == shown(lang, "Sign up")
    page.fill("input[name=email]", email)
    page.fill("input[name=first_name]", "Ewa")
    page.fill("input[name=last_name]", "Nowak")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/konto/")
    assert shown(lang, "Welcome! We have sent you a link to confirm your e-mail address.") in page.locator(
        ".messages").inner_text()
    resident = User.objects.get(email=email)
    steps("signed up")
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/konto/potwierdz/" in line)
    page.goto(link[link.index("/konto/potwierdz/"):])
    assert shown(lang, "Your e-mail address is confirmed.") in page.locator(".messages").inner_text()
    steps("e-mail confirmed")

    # --- From the account page to My card, which offers the application. ---
    page.goto("/konto/")
    page.locator("main a[href='/moja-starowka/karta/']", has_text=shown(lang, "My Moja Starówka card")).click()
    page.wait_for_url("**/moja-starowka/karta/")
    assert page.locator("h1").inner_text() == shown(lang, "My Moja Starówka card")
    assert shown(lang, "You have no card in this centre yet.") in page.locator("main").inner_text()
    steps("my card: no card yet")
    page.locator("main a[href='/moja-starowka/karta/wniosek/']", has_text=shown(lang, "Apply for a card")).click()
    page.wait_for_url("**/moja-starowka/karta/wniosek/")
    assert page.locator("h1").inner_text() == shown(lang, "Apply for a Moja Starówka card")
    assert page.locator("input[name=first_name]").input_value() == "Ewa"
    assert page.locator("input[name=last_name]").input_value() == "Nowak"
    steps("application form")

    # Without accepting the terms the form comes back with the field's message and no card is made.
    page.fill("input[name=address]", "ul. Szeroka 12/3")
    page.fill("input[name=postal_code]", "87-100")
    click_and_load(page, page.locator("main form button[type=submit]"))
    assert page.locator(".field.has-error .error").first.inner_text() == t(
        lang, "Accept the programme's terms to apply.")
    assert not Card.objects.filter(holder=resident).exists()
    steps("terms not accepted")

    page.locator("input[name=accept_terms]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/moja-starowka/karta/")
    assert shown(lang, "Thank you! The office will confirm your residence and activate your card.") in page.locator(
        ".messages").inner_text()
    card_box = page.locator("section.ms-card")
    assert shown_status(lang, "pending") in card_box.locator("dl").inner_text()
    assert shown(lang, "The office has not activated the card yet.") in page.locator("main").inner_text()
    assert page.locator(".ms-qr svg").count() == 0, "no QR code before the office activates the card"
    number = page.locator(".ms-number .digits").inner_text().strip()
    card = Card.objects.get(holder=resident)
    assert card.status == Card.Status.PENDING
    assert number == card.formatted_number
    steps("card applied for, pending")

    # --- Office staff log into the admin and activate the card with the changelist action. ---
    office = other_page("staff")
    office.goto("/")
    choose_language(office, lang)
    office.goto("/admin/")
    office.wait_for_url("**/admin/login/**")
    office.fill("#id_username", programme["staff"].email)
    office.fill("#id_password", PASSWORD)
    click_and_load(office, office.locator("#login-form [type=submit]"))
    assert office.url.endswith("/admin/"), "logged into the admin"
    office.steps("admin index")
    office.locator("a[href='/admin/loyalty/card/']").first.click()
    office.wait_for_url("**/admin/loyalty/card/")
    office.fill("#searchbar", email)
    click_and_load(office, office.locator("#changelist-search [type=submit]"))
    row = office.locator("#result_list tbody tr", has_text=number)
    assert row.count() == 1
    assert shown_status(lang, "pending") in row.inner_text()
    row.locator("input[name=_selected_action]").check()
    office.select_option("select[name=action]", "action_activate_card")
    office.steps("card selected, action chosen")
    click_and_load(office, office.locator("#changelist-form .actions [type=submit]"))
    assert shown_n(lang, "%(n)d card updated.", "%(n)d cards updated.", 1) % {"n": 1} in office.locator(
        "ul.messagelist").inner_text()
    row = office.locator("#result_list tbody tr", has_text=number)
    assert shown_status(lang, "active") in row.inner_text()
    office.steps("card activated")

    # --- The resident opens My card: active, with the QR code. ---
    rendered_from = int(time.time())
    page.reload()
    rendered_until = int(time.time())
    assert shown_status(lang, "active") in page.locator("section.ms-card dl").inner_text()
    assert shown(lang, "The office has not activated the card yet.") not in page.locator("main").inner_text()
    qr = page.locator(".ms-qr svg")
    assert qr.count() == 1
    assert qr.locator("title").text_content() == shown(lang, "QR code of card %(number)s") % {"number": number}
    drawn = dark_modules(qr.locator("path.qrline").get_attribute("d"))
    # The signed token is issued at the start of a step: compare with the tokens of the steps the page took.
    card.refresh_from_db()  # active now, with its validity (which the token carries)
    candidates = [dark_modules_of(tokens.mint_for_card(card, now=second).token)
                  for second in range(rendered_from, rendered_until + 1)]
    assert drawn in candidates, "the QR code encodes the card's signed token"
    code = page.locator("#ms-code").inner_text().strip()
    assert len(code) == 6 and code.isdigit(), "the 6-digit code for a till without a camera"
    box = qr.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50
    assert page.locator(".ms-number .digits").inner_text().strip() == number
    assert shown(lang, "No uses yet.") in page.locator("main").inner_text()
    steps("my card with the QR code")

    # --- A cashier of the partner café checks the card at the till, typing the number and code of My card. ---
    cashier = programme["cashier"]
    till = other_page("cashier")
    log_in(till, cashier.email, PASSWORD, lang)
    click_and_load(till, till.locator("header a.account-link"))
    click_and_load(till, till.locator("main a[href='/moja-starowka/kasa/']",
                                      has_text=shown(lang, "Check a card at the till")))
    assert till.url.endswith("/moja-starowka/kasa/")
    assert till.locator("h1").inner_text() == shown(lang, "Check a Moja Starówka card")
    till.steps("till page")
    assert PARTNER_NAME in till.locator(".till-who").inner_text()
    assert "Kamil Kasowy" in till.locator(".till-who").inner_text()
    till.locator("#till[data-offline-ready='1']").wait_for(state="attached")
    till.fill("input[name=number]", number)
    till.fill("input[name=code]", code)
    till.select_option("select[name=perk]", label=PERK_TITLE[lang])
    till.locator("main form button[type=submit]").click()
    result = till.locator("section.ms-result")
    result.locator(".ms-verdict").wait_for()
    assert result.get_attribute("class").split() == ["ms-result", "green"]
    assert result.locator(".ms-verdict").inner_text() == shown(lang, "Valid card")
    assert shown(lang, "The card is valid.") in result.inner_text()
    facts = result.locator("dl.facts").inner_text()
    assert "Ewa N." in facts and number in facts
    assert "Nowak" not in result.inner_text(), "the till sees the surname's initial only"
    perk_line = result.locator("p", has_text=PERK_TITLE[lang])
    assert perk_line.locator(".badge.ok").inner_text() == shown(lang, "use accepted")
    assert till.locator("input[name=code]").input_value() == "", "the form is ready for the next card"
    assert till.locator("#till-shift li").count() == 1, "the shift's checks list the new one"
    till.steps("card valid, perk accepted")
    assert axe_under_csp(till) == []

    # --- The resident sees the use in the history on My card. ---
    page.reload()
    uses = page.locator("main table tbody tr")
    assert uses.count() == 1
    cells = uses.first.locator("td")
    assert cells.nth(1).inner_text() == PARTNER_NAME
    assert cells.nth(2).inner_text() == PERK_TITLE[lang]
    assert cells.nth(3).inner_text() == shown(lang, "used")
    steps("the use in my history")
    assert axe_under_csp(page) == []

    # --- What the database holds after the journey. ---
    card.refresh_from_db()
    assert card.status == Card.Status.ACTIVE
    assert card.valid_from == today() and card.valid_until > today()
    assert card.is_valid_on(today())
    assert check_method(card) == "number_code"
    assert list(CardEvent.objects.filter(card=card).values_list("from_status", "to_status", "by")) == [
        ("", Card.Status.PENDING, resident.pk), (Card.Status.PENDING, Card.Status.ACTIVE, programme["staff"].pk)]
    check = Check.objects.get()
    assert check.card == card
    assert check.partner == programme["partner"]
    assert check.perk == programme["perk"]
    assert check.result == Check.Result.VALID
    assert check.accepted is True
    assert check.checked_by == cashier
    assert check.day == today()
    subject = shown(lang, "Your Moja Starówka card is active")
    activated = [m for m in mail.outbox if m.to == [email] and m.subject == subject]
    assert len(activated) == 1, "the resident is told, in their language, that the card is active"
