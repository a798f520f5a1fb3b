"""The café-garden permit journey in the browser, in both languages.

A business owner gets a fee quote, applies for a garden with attachments, the office asks for a change, the owner
corrects and resubmits, the office confirms the greenery and approves, the owner downloads the permit PDF, and the
public verification page behind the permit's QR code says it is valid.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from centres.selectors import today
from gardens.models import AestheticRule, Attachment, GardenApplication, GreeneryKind
from gardens.pdf import verification_url
from tests.e2e.helpers import choose_language, log_in, log_out, t
from tests.factories import (
    PASSWORD,
    BusinessFactory,
    MembershipFactory,
    StaffFactory,
    StreetFactory,
    ZoneFactory,
)
from tests.gardens.factories import RuleFactory, SeasonFactory, TierFactory, pdf_upload, png_bytes, rate

pytestmark = pytest.mark.e2e

S = GardenApplication.Status
CHANGE_NOTE = "Proszę dodać pnącza przy fasadzie i zmienić kolor parasoli na ecru."
APPROVAL_NOTE = "Zieleń sprawdzona na miejscu."


@pytest.fixture
def garden_office(centre):
    """A zone with a 4 PLN café-garden rate, a café and its owner, an open season around today, the rules, staff."""
    zone = ZoneFactory(centre=centre, name="Starówka", slug="starowka")
    rate(zone, "4.00")
    street = StreetFactory(zone=zone, centre=centre, name="Szeroka")
    business = BusinessFactory(centre=centre, zone=zone, street=street, name="Kawiarnia Pod Aniołem")
    owner = MembershipFactory(business=business, role="owner").user
    start = today()
    end = start + dt.timedelta(days=29)  # 30 days, both ends counted
    season = SeasonFactory(centre=centre, year=start.year, summer_start=start - dt.timedelta(days=30),
                           summer_end=end + dt.timedelta(days=30), winter_start=None, winter_end=None)
    TierFactory(season=season, min_kinds=3, percent=Decimal("30"))
    TierFactory(season=season, min_kinds=2, percent=Decimal("10"))
    rules = [
        RuleFactory(season=season, code="parasole", order=1, category=AestheticRule.Category.UMBRELLAS,
                    title_pl="Parasole w jednym, stonowanym kolorze", title_en="Umbrellas of one muted colour"),
        RuleFactory(season=season, code="zielen", order=2, category=AestheticRule.Category.GREENERY,
                    title_pl="Żywa zieleń w donicach", title_en="Live greenery in planters"),
        RuleFactory(season=season, code="bez-reklam", order=3, category=AestheticRule.Category.ADVERTISING,
                    checked_by=AestheticRule.Check.INSPECTION,
                    title_pl="Bez reklam na parasolach", title_en="No advertising on umbrellas"),
    ]
    return {"zone": zone, "street": street, "business": business, "owner": owner, "season": season,
            "rules": rules, "start": start, "end": end, "staff": StaffFactory(centres=[centre])}


# --- Small steps ----------------------------------------------------------------------------------------------


def fact(page, label: str):
    """The <dd> after the <dt> that reads exactly `label` in a facts list."""
    dt_ = page.locator("dl.facts dt").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    return dt_.locator("xpath=following-sibling::dd[1]")


def click_and_load(page, locator) -> None:
    """Click something that loads a new page (a link or a form's submit button) and wait for it."""
    with page.expect_navigation():
        locator.click()


def move_button(page, status: str):
    """The owner's button on the application page that moves it to `status`."""
    return page.locator(f"form:has(input[name=to][value={status}]) button[type=submit]")


def messages(page):
    return page.locator("main .messages")


def admin_log_in(page, user, lang: str) -> None:
    """Office staff log in at /admin/ (the language cookie chosen earlier in this browser carries over)."""
    page.goto("/admin/")
    page.wait_for_url("**/admin/login/**")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    click_and_load(page, page.locator("#login-form input[type=submit]"))
    expect(page.locator("#logout-form")).to_have_count(1)
    assert page.locator("html").get_attribute("lang") == lang


def admin_log_out(page) -> None:
    click_and_load(page, page.locator("#logout-form button[type=submit]"))


def open_review(page, application: GardenApplication, lang: str) -> None:
    """From the admin queue to the application's page, then to its review page."""
    page.goto("/admin/gardens/gardenapplication/")
    click_and_load(page, page.locator(f"#result_list a[href$='/{application.pk}/change/']"))
    click_and_load(page, page.locator(f"a[href$='/{application.pk}/review/']"))
    application.refresh_from_db()
    assert page.locator("#content h1").count() == 1, "the admin's base template prints the one title"
    assert page.locator("#content h1").inner_text() == t(lang, "Review %(app)s") % {"app": str(application)}


def review_move(page, application: GardenApplication, lang: str, to: str, note: str = "",
                confirm: list[str] | None = None) -> None:
    """On the review page: one move of the workflow, with a note and the confirmed greenery."""
    option = page.locator(f"select[name=to] option[value={to}]")
    assert option.inner_text() == t(lang, S(to).label)
    page.select_option("select[name=to]", to)
    if note:
        page.fill("textarea[name=note]", note)
    if confirm is not None:
        for kind in GreeneryKind.values:
            box = page.locator(f"input[name=confirmed_greenery][value={kind}]")
            box.check() if kind in confirm else box.uncheck()
    click_and_load(page, page.locator("#content form input[type=submit]"))
    page.wait_for_url(f"**/admin/gardens/gardenapplication/{application.pk}/change/")
    application.refresh_from_db()
    assert application.status == to
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        t(lang, "%(app)s is now “%(status)s”.") % {"app": str(application), "status": t(lang, S(to).label)})


# --- The journey ----------------------------------------------------------------------------------------------


def test_garden_permit_journey(page, steps, axe, lang, garden_office):
    """Quote, apply with attachments, changes asked for and made, greenery confirmed, approved, PDF, verified.

    The name is short so that each language's failure screenshots get a directory of their own.
    """
    office = garden_office
    owner, staff, zone, business = office["owner"], office["staff"], office["zone"], office["business"]
    start, end = office["start"].isoformat(), office["end"].isoformat()

    # 1. The owner logs in and gets a fee quote: 20 m² × 30 days × 4 PLN, then with all three kinds of greenery.
    log_in(page, owner.email, PASSWORD, lang)
    page.goto("/ogrodki/")
    click_and_load(page, page.locator("main a[href='/ogrodki/oplata/']"))
    assert page.locator("h1").inner_text() == t(lang, "Café-garden fee quote")
    page.select_option("#id_zone", str(zone.pk))
    page.fill("#id_area_m2", "20")
    page.fill("#id_start", start)
    page.fill("#id_end", end)
    click_and_load(page, page.locator("main form button[type=submit]"))
    expect(page.locator("main section h2")).to_have_text(t(lang, "Your quote"))
    assert fact(page, t(lang, "Days (both ends counted)")).inner_text() == "30"
    assert fact(page, t(lang, "Fee before discount")).inner_text() == "2400.00 PLN"
    assert fact(page, t(lang, "Total")).inner_text() == "2400.00 PLN"
    steps("fee quote without greenery")
    for kind in GreeneryKind.values:
        page.locator(f"input[name=greenery][value={kind}]").check()
    click_and_load(page, page.locator("main form button[type=submit]"))
    assert fact(page, t(lang, "Green discount")).inner_text() == "30.00% (−720.00 PLN)"
    assert fact(page, t(lang, "Total")).inner_text() == "1680.00 PLN"
    steps("fee quote with the green discount")

    # 2. The application form: the garden's data with two kinds of greenery.
    click_and_load(page, page.locator("main section a[href='/ogrodki/wnioski/nowy/']"))
    assert page.locator("h1").inner_text() == t(lang, "New café-garden application")
    steps("application form")
    assert axe(page) == []
    assert page.locator("#id_season").input_value() == str(office["season"].pk)
    assert page.locator("#id_zone").input_value() == str(zone.pk)
    page.select_option("#id_street", str(office["street"].pk))
    page.fill("#id_address", "ul. Szeroka 12")
    page.fill("#id_placement", "Przed fasadą, wzdłuż witryny")
    page.fill("#id_length_m", "5")
    page.fill("#id_width_m", "4")
    page.fill("#id_area_m2", "20")
    page.fill("#id_period_start", start)
    page.fill("#id_period_end", end)
    page.fill("#id_pedestrian_width_m", "2")
    page.fill("#id_furniture", "Drewniane stoły i krzesła")
    page.fill("#id_tables", "4")
    page.fill("#id_seats", "12")
    page.fill("#id_umbrella_colour", "czerwony")
    page.fill("#id_umbrella_height_m", "2.5")
    page.fill("#id_enclosure_height_m", "0.9")
    page.locator("input[name=greenery][value=tall_plants]").check()
    page.locator("input[name=greenery][value=planters]").check()
    steps("application form filled")
    click_and_load(page, page.locator("main form button[type=submit]"))
    page.wait_for_url(re.compile(r"/ogrodki/wnioski/\d+/deklaracje/$"))
    application = GardenApplication.objects.get(business=business)
    assert application.status == S.DRAFT
    assert t(lang, "The draft is saved. Declare the rules and attach a site plan, then submit.") in messages(
        page).inner_text()

    # 3. The declarations: every rule of the season, ticked.
    assert page.locator("h1").inner_text() == t(lang, "Aesthetic rules: your declaration")
    for rule in office["rules"]:
        title = rule.title_en if lang == "en" else rule.title_pl
        assert title in page.locator(f"fieldset:has(input[name=complies_{rule.pk}]) legend").inner_text()
        page.locator(f"input[name=complies_{rule.pk}]").check()
    steps("declarations ticked")
    click_and_load(page, page.locator("main form button[type=submit]"))
    page.wait_for_url(f"**/ogrodki/wnioski/{application.pk}/")
    assert t(lang, "Declarations saved.") in messages(page).inner_text()
    assert page.locator("h1").inner_text() == f"{t(lang, 'Application')} #{application.pk}"
    assert fact(page, t(lang, "Green discount")).inner_text() == "10.00% (−240.00 PLN)"
    assert fact(page, t(lang, "Total")).inner_text() == "2160.00 PLN"

    # 4. Submitting without a site plan is refused; then the site plan (PDF) and a visualisation (PNG) are attached.
    click_and_load(page, move_button(page, S.SUBMITTED))
    assert t(lang, "Attach a site plan (PDF or image).") in messages(page).inner_text()
    page.select_option("select[name=kind]", Attachment.Kind.SITE_PLAN)
    page.set_input_files("input[name=file]", files=[{"name": "plan-ogrodka.pdf", "mimeType": "application/pdf",
                                                      "buffer": pdf_upload().read()}])
    click_and_load(page, page.locator("form[action$='/zalaczniki/'] button[type=submit]"))
    assert t(lang, "The file is attached.") in messages(page).inner_text()
    page.select_option("select[name=kind]", Attachment.Kind.PHOTO)
    page.set_input_files("input[name=file]", files=[{"name": "wizualizacja.png", "mimeType": "image/png",
                                                      "buffer": png_bytes((64, 48))}])
    click_and_load(page, page.locator("form[action$='/zalaczniki/'] button[type=submit]"))
    assert t(lang, "The file is attached.") in messages(page).inner_text()
    attachments = page.locator("main a[href*='/zalaczniki/']")
    assert sorted(attachments.all_inner_texts()) == ["plan-ogrodka.pdf", "wizualizacja.png"]
    steps("application with attachments")
    assert axe(page) == []

    # 5. The owner submits.
    assert move_button(page, S.SUBMITTED).inner_text() == t(lang, "Move to “%(label)s”") % {
        "label": t(lang, "submitted")}
    click_and_load(page, move_button(page, S.SUBMITTED))
    assert t(lang, "The application is now “%(status)s”.") % {"status": t(lang, "submitted")} in messages(
        page).inner_text()
    assert page.locator("main .badge").first.inner_text() == t(lang, "submitted")
    assert page.locator("main a[href$='/edycja/']").count() == 0
    steps("submitted")
    log_out(page)

    # 6. The office takes it into review in the admin and asks for a change with a note.
    admin_log_in(page, staff, lang)
    steps("admin index")
    open_review(page, application, lang)
    review_move(page, application, lang, S.IN_REVIEW)
    open_review(page, application, lang)
    review_move(page, application, lang, S.CHANGES_REQUESTED, note=CHANGE_NOTE)
    steps("changes requested in the admin")
    admin_log_out(page)

    # 7. The owner sees the note (on the page and in the e-mail), corrects the application and resubmits.
    log_in(page, owner.email, PASSWORD, lang)
    page.goto("/ogrodki/wnioski/")
    row = page.locator("main table tbody tr").filter(has=page.locator(f"a[href$='/wnioski/{application.pk}/']"))
    assert row.locator(".badge").inner_text() == t(lang, "changes requested")
    click_and_load(page, row.locator(f"a[href$='/wnioski/{application.pk}/']"))
    last_move = page.locator("ol.history li").last
    assert t(lang, "changes requested") in last_move.inner_text()
    assert CHANGE_NOTE in last_move.inner_text()
    assert any(CHANGE_NOTE in m.body for m in mail.outbox if owner.email in m.to)
    steps("the office's note")
    click_and_load(page, page.locator(f"main a[href$='/wnioski/{application.pk}/edycja/']"))
    assert page.locator("h1").inner_text() == t(lang, "Edit the application")
    assert page.locator("input[name=greenery][value=planters]").is_checked()
    page.fill("#id_umbrella_colour", "ecru")
    page.locator("input[name=greenery][value=hanging]").check()
    steps("corrected form")
    click_and_load(page, page.locator("main form button[type=submit]"))
    page.wait_for_url(f"**/ogrodki/wnioski/{application.pk}/")
    assert t(lang, "Changes saved.") in messages(page).inner_text()
    assert fact(page, t(lang, "Total")).inner_text() == "1680.00 PLN"
    page.select_option("select[name=kind]", Attachment.Kind.PHOTO)
    page.set_input_files("input[name=file]", files=[{"name": "pnacza.png", "mimeType": "image/png",
                                                      "buffer": png_bytes((32, 32))}])
    click_and_load(page, page.locator("form[action$='/zalaczniki/'] button[type=submit]"))
    assert t(lang, "The file is attached.") in messages(page).inner_text()
    click_and_load(page, move_button(page, S.SUBMITTED))
    assert t(lang, "The application is now “%(status)s”.") % {"status": t(lang, "submitted")} in messages(
        page).inner_text()
    steps("resubmitted")
    log_out(page)

    # 8. The office confirms all three kinds of greenery and approves: the permit number is issued.
    admin_log_in(page, staff, lang)
    open_review(page, application, lang)
    review_move(page, application, lang, S.IN_REVIEW)
    open_review(page, application, lang)
    for kind in GreeneryKind.values:  # the declared greenery is offered for confirmation
        assert page.locator(f"input[name=confirmed_greenery][value={kind}]").is_checked()
    review_move(page, application, lang, S.APPROVED, note=APPROVAL_NOTE, confirm=list(GreeneryKind.values))
    permit_number = application.permit_number
    assert permit_number == f"{office['season'].centre.code}/OG/{office['season'].year}/0001"
    steps("approved in the admin")
    admin_log_out(page)

    # 9. The owner opens the permit and downloads its PDF.
    log_in(page, owner.email, PASSWORD, lang)
    page.goto(f"/ogrodki/wnioski/{application.pk}/")
    assert page.locator("h1").inner_text() == f"{t(lang, 'Permit')} {permit_number}"
    assert page.locator("main .badge").first.inner_text() == t(lang, "approved")
    confirmed = fact(page, t(lang, "Greenery confirmed by the office")).inner_text()
    for kind in GreeneryKind:
        assert t(lang, kind.label) in confirmed
    assert fact(page, t(lang, "Green discount")).inner_text() == "30.00% (−720.00 PLN)"
    assert fact(page, t(lang, "Total")).inner_text() == "1680.00 PLN"
    steps("the permit")
    with page.expect_download() as download:
        page.locator("main a[href$='/zezwolenie.pdf']").click()
    assert download.value.suggested_filename == permit_number.replace("/", "-") + ".pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    log_out(page)

    # 10. Anyone (no session, no cookies) opens the verification link the permit's QR code carries.
    page.context.clear_cookies()
    page.goto(urlsplit(verification_url(application)).path)
    assert page.locator("header form[action$='/konto/wyloguj/']").count() == 0
    choose_language(page, lang)
    assert page.locator("h1").inner_text() == t(lang, "Permit verification")
    assert page.locator("main .lead .badge.ok").inner_text() == t(lang, "Valid")
    with translation.override(lang):
        until = date_format(office["end"], "DATE_FORMAT")
    assert t(lang, "This permit is valid until %(end)s.") % {"end": until} in page.locator("main .lead").inner_text()
    assert fact(page, t(lang, "Permit number")).inner_text() == permit_number
    assert fact(page, t(lang, "Business")).inner_text() == business.name
    steps("public verification")
    assert axe(page) == []

    # 11. What the office and the owner did is in the database.
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert list(application.history.values_list("from_status", "to_status", "by")) == [
        ("", S.DRAFT, owner.pk),
        (S.DRAFT, S.SUBMITTED, owner.pk),
        (S.SUBMITTED, S.IN_REVIEW, staff.pk),
        (S.IN_REVIEW, S.CHANGES_REQUESTED, staff.pk),
        (S.CHANGES_REQUESTED, S.SUBMITTED, owner.pk),
        (S.SUBMITTED, S.IN_REVIEW, staff.pk),
        (S.IN_REVIEW, S.APPROVED, staff.pk),
    ]
    assert application.history.get(to_status=S.CHANGES_REQUESTED).note == CHANGE_NOTE
    assert application.history.get(to_status=S.APPROVED).note == APPROVAL_NOTE
    assert application.confirmed_greenery_kinds() == set(GreeneryKind.values)
    assert application.umbrella_colour == "ecru"
    assert (application.fee_days, application.fee_gross, application.fee_discount_percent,
            application.fee_discount, application.fee_total) == (
        30, Decimal("2400.00"), Decimal("30.00"), Decimal("720.00"), Decimal("1680.00"))
    assert sorted(application.attachments.values_list("kind", "content_type")) == [
        (Attachment.Kind.PHOTO, "image/png"), (Attachment.Kind.PHOTO, "image/png"),
        (Attachment.Kind.SITE_PLAN, "application/pdf")]
    assert application.declarations.filter(complies=True).count() == len(office["rules"])
