"""Pages: register, fee quote, the owner's applications, edits, attachments, moves, the permit PDF, verification."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gardens import geometry, services
from gardens.models import GardenApplication
from tests.factories import BusinessFactory, MembershipFactory, UserFactory
from tests.gardens.factories import (
    ApplicationFactory,
    RuleFactory,
    SeasonFactory,
    photo_evidence,
    png_upload,
    rate,
    ready_application,
)

S = GardenApplication.Status


def browser(user=None) -> Client:
    """A browser that asks for English (assertions read the English messages; Polish is tested apart)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def permit(business, owner, staff):
    application = ready_application(business=business, declared_planters=True)
    RuleFactory(season=application.season, title_pl="Zakaz plandek i folii")
    application.declarations.create(rule=application.season.rules.get(), complies=True)
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=["planters"],
                        greenery_evidence=photo_evidence(application, ["planters"]))
    application.refresh_from_db()
    return application


def test_register_lists_current_permits_publicly(permit):
    with time_machine.travel(dt.datetime(2027, 6, 10, 12, 0)):
        response = browser().get(reverse("gardens:register"))
    assert response.status_code == 200
    assert permit.permit_number in response.content.decode()
    assert reverse("gardens:fee-quote") in response.content.decode()


def test_fee_quote_page_shows_the_breakdown_and_errors(zone, centre):
    SeasonFactory(centre=centre, year=2027)
    rate(zone, "4.00")
    url = reverse("gardens:fee-quote")
    ok = browser().get(url, {"zone": zone.pk, "area_m2": "10", "start": "2027-06-01", "end": "2027-06-10"})
    assert "PLN\xa0400.00" in ok.content.decode()
    bad = browser().get(url, {"zone": zone.pk, "area_m2": "10", "start": "2027-01-01", "end": "2027-01-10"})
    assert bad.status_code == 200
    assert "season" in bad.content.decode()
    assert browser().get(url, {"zone": "x", "area_m2": "-1"}).status_code == 200


def test_application_pages_owner_colleague_outsider(business, owner, staff):
    application = ApplicationFactory(business=business)
    manager = MembershipFactory(business=business, role="manager").user
    detail = reverse("gardens:application-detail", args=[application.pk])
    for user in (owner, manager, staff):
        assert browser(user).get(detail).status_code == 200
    other_owner = MembershipFactory(business=BusinessFactory(centre=business.centre)).user
    for user in (other_owner, UserFactory(), MembershipFactory(business=business, role="till").user):
        assert browser(user).get(detail).status_code == 404
        assert browser(user).get(reverse("gardens:application-edit", args=[application.pk])).status_code == 404
    assert browser().get(detail).status_code == 302  # to the log-in page
    assert browser(staff).get(reverse("gardens:application-edit", args=[application.pk])).status_code == 403


def test_my_applications_lists_only_my_businesses(business, owner):
    mine = ApplicationFactory(business=business, address="Moja 1")
    ApplicationFactory(business=BusinessFactory(centre=business.centre), address="Cudza 2")
    page = browser(owner).get(reverse("gardens:application-list")).content.decode()
    assert "Moja 1" in page and "Cudza 2" not in page
    assert reverse("gardens:application-detail", args=[mine.pk]) in page


PLACE = {"zone": None, "address": "Szeroka 21", "placement": "pod oknami"}
SIZE = {"length_m": "4", "width_m": "3", "area_m2": "20", "period_start": "2027-05-01", "period_end": "2027-05-31",
        "pedestrian_width_m": "2", "tables": "3", "seats": "12", "greenery": ["planters"]}


def step_url(step: str, pk: int | None = None) -> str:
    base = reverse("gardens:application-edit", args=[pk]) if pk else reverse("gardens:apply")
    return f"{base}?krok={step}"


def test_apply_asks_one_thing_per_step_and_makes_the_draft_at_the_size_step(business, owner, centre, zone):
    season = SeasonFactory(centre=centre, year=2027)
    rate(zone)
    client = browser(owner)
    first = client.get(reverse("gardens:apply")).content.decode()
    assert 'name="address"' in first and 'name="length_m"' not in first and 'id="garden-map"' not in first
    assert first.count("<li") >= 6 and first.count('aria-current="step"') == 1
    assert client.get(step_url("wymiary")).status_code == 302  # the place comes first
    assert client.post(step_url("miejsce"), {"business": business.pk, "season": season.pk, **PLACE,
                                             "zone": zone.pk}).url == step_url("mapa")
    map_page = client.get(step_url("mapa")).content.decode()
    assert 'id="garden-map"' in map_page and 'name="address"' not in map_page and 'name="length_m"' not in map_page
    outline = geometry.rectangle(lon=18.6048, lat=53.0102, length_m=4, width_m=3)
    assert client.post(step_url("mapa"), {"outline": json.dumps(outline)}).url == step_url("wymiary")
    assert not GardenApplication.objects.exists()  # the first steps wait in the session
    size_page = client.get(step_url("wymiary")).content.decode()
    assert 'data-product-of="id_length_m id_width_m"' in size_page and "12.0" in size_page  # the drawn area
    response = client.post(step_url("wymiary"), SIZE)
    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    response = client.post(step_url("wymiary"), {**SIZE, "area_m2": ""})  # left empty: length × width
    assert response.status_code == 302
    application = GardenApplication.objects.get()
    assert (application.address, application.placement, application.area_m2) == ("Szeroka 21", "pod oknami",
                                                                                  Decimal("12.00"))
    assert abs(application.outline_area_m2 - Decimal("12")) <= Decimal("0.05")  # drawn to the centimetre
    assert application.fee_total == Decimal("1488.00")  # 12 × 31 × 4
    assert "gardens_new_application" not in client.session


def test_each_step_has_an_error_summary_linking_to_its_fields(business, owner, centre, zone):
    SeasonFactory(centre=centre, year=2027)
    client = browser(owner)
    page = client.post(step_url("miejsce"), {"business": business.pk, "address": ""}).content.decode()
    assert 'class="form-errors error-summary"' in page and 'href="#id_address"' in page


def test_a_refusal_about_an_earlier_step_links_to_that_step(business, owner, centre, zone):
    season = SeasonFactory(centre=centre, year=2027)
    rate(zone)
    client = browser(owner)
    client.post(step_url("miejsce"), {"business": business.pk, "season": season.pk, **PLACE, "zone": zone.pk,
                                      "address": "Szeroka"})  # no building number
    client.post(step_url("mapa"), {"outline": ""})
    page = client.post(step_url("wymiary"), SIZE | {"area_m2": ""}).content.decode()
    assert f'href="{step_url("miejsce")}#id_building_number"' in page
    assert not GardenApplication.objects.exists()


def test_editing_a_step_changes_only_that_steps_answers(business, owner):
    application = ApplicationFactory(business=business, placement="przy witrynie")
    rate(application.zone)
    client = browser(owner)
    page = client.get(step_url("wymiary", application.pk)).content.decode()
    assert 'name="placement"' not in page and 'value="5.00"' in page
    response = client.post(step_url("wymiary", application.pk), SIZE | {"area_m2": "", "length_m": "5",
                                                                         "width_m": "4"})
    assert response.url == reverse("gardens:application-declarations", args=[application.pk])
    application.refresh_from_db()
    assert (application.placement, application.seats, application.area_m2) == ("przy witrynie", 12,
                                                                                Decimal("20.00"))
    assert client.post(step_url("miejsce", application.pk), {
        "zone": application.zone.pk, "address": "Szeroka 5"}).url == step_url("mapa", application.pk)
    application.refresh_from_db()
    assert (application.address, application.seats) == ("Szeroka 5", 12)


def test_apply_for_a_business_one_does_not_manage_is_refused(business, centre, zone):
    season = SeasonFactory(centre=centre, year=2027)
    outsider = MembershipFactory(business=BusinessFactory(centre=centre)).user
    response = browser(outsider).post(reverse("gardens:apply"), {
        "business": business.pk, "season": season.pk, "zone": zone.pk, "address": "x", "length_m": "1",
        "width_m": "1", "area_m2": "1", "period_start": "2027-05-01", "period_end": "2027-05-02",
        "pedestrian_width_m": "2", "tables": "0", "seats": "0"})
    assert response.status_code == 200
    assert not GardenApplication.objects.exists()


def test_owner_edits_declares_uploads_and_submits(business, owner):
    application = ApplicationFactory(business=business)
    rate(application.zone)
    rule = RuleFactory(season=application.season)
    client = browser(owner)
    edit = client.post(step_url("miejsce", application.pk), {"zone": application.zone.pk, "address": "Szeroka 5"})
    assert edit.status_code == 302
    declarations = reverse("gardens:application-declarations", args=[application.pk])
    refused = client.post(declarations, {f"comment_{rule.pk}": ""})  # a breach without a comment
    assert refused.status_code == 200
    assert client.post(declarations, {f"complies_{rule.pk}": "on"}).status_code == 302
    upload = reverse("gardens:attachment-upload", args=[application.pk])
    client.post(upload, {"kind": "photo", "file": SimpleUploadedFile("x.jpg", b"not a picture")})
    assert not application.attachments.exists()
    client.post(upload, {"kind": "site_plan", "file": png_upload("plan.png")})
    assert application.attachments.count() == 1
    client.post(reverse("gardens:application-move", args=[application.pk]), {"to": "submitted"})
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.address == "Szeroka 5"


def test_attachments_are_served_only_to_owner_and_staff(business, owner, staff, other_staff):
    application = ApplicationFactory(business=business)
    attachment = services.add_attachment(application=application, kind="photo", upload=png_upload(), by=owner)
    url = reverse("gardens:attachment", args=[application.pk, attachment.pk])
    assert browser(owner).get(url).status_code == 200
    assert browser(staff).get(url).status_code == 200
    assert browser(other_staff).get(url).status_code == 404
    assert browser(UserFactory()).get(url).status_code == 404
    delete = reverse("gardens:attachment-delete", args=[application.pk, attachment.pk])
    assert browser(staff).post(delete).status_code == 403
    assert browser(owner).post(delete).status_code == 302
    assert not application.attachments.exists()


def test_staff_moves_on_the_page_and_owner_cannot(business, owner, staff):
    application = ready_application(business=business, status=S.SUBMITTED)
    url = reverse("gardens:application-move", args=[application.pk])
    assert browser(owner).post(url, {"to": "rejected", "note": "x"}).status_code == 403
    response = browser(staff).post(url, {"to": "rejected", "note": ""}, follow=True)
    assert "reason" in response.content.decode()
    assert GardenApplication.objects.get(pk=application.pk).status == S.SUBMITTED
    assert browser(staff).post(url, {"to": "changes_requested", "note": "Dołącz zdjęcie."}).status_code == 302
    assert browser(UserFactory()).post(url, {"to": "withdrawn"}).status_code == 404


def test_permit_pdf_for_owner_and_staff_only(permit, owner, staff, other_staff):
    url = reverse("gardens:permit-pdf", args=[permit.pk])
    for user in (owner, staff):
        response = browser(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == permit.permit_pdf.open("rb").read()
    assert browser(other_staff).get(url).status_code == 404
    assert browser(UserFactory()).get(url).status_code == 404


def test_no_pdf_before_approval(business, owner):
    application = ApplicationFactory(business=business)
    assert browser(owner).get(reverse("gardens:permit-pdf", args=[application.pk])).status_code == 404


def test_permit_pdf_holds_polish_text_and_the_verification_link(permit, monkeypatch):
    from fpdf import FPDF

    from gardens import pdf

    written: list[str] = []

    class Recording(FPDF):
        def cell(self, w=None, h=None, text="", *args, **kwargs):
            written.append(text)
            return super().cell(w, h, text, *args, **kwargs)

        def multi_cell(self, w, h=None, text="", *args, **kwargs):
            written.append(text)
            return super().multi_cell(w, h, text, *args, **kwargs)

    monkeypatch.setattr(pdf, "FPDF", Recording)
    content = pdf.build_permit_pdf(permit)
    text = "\n".join(written)
    assert content.startswith(b"%PDF") and b"Roboto" in content  # the Unicode font is embedded
    assert permit.permit_number in text
    assert "Zakaz plandek i folii" in text
    assert "Zezwolenie na zajęcie pasa drogowego" in text
    assert "Do zapłaty: 2 400,00 zł" in text  # 20 m² × 30 days × 4 PLN; planters alone: no discount tier set
    assert "20,00 m²" in text
    assert pdf.verification_url(permit) in text
    assert pdf.verification_url(permit).startswith("http")


@pytest.mark.parametrize(("day", "state"), [(dt.datetime(2027, 5, 1, 12), "upcoming"),
                                            (dt.datetime(2027, 6, 10, 12), "valid"),
                                            (dt.datetime(2027, 7, 1, 12), "expired")])
def test_verification_page_says_whether_the_permit_is_valid(permit, day, state):
    with time_machine.travel(day):
        response = browser().get(reverse("gardens:verify", args=[permit.verification_token]))
    assert response.context["state"] == state
    assert permit.permit_number in response.content.decode()


def test_verification_page_says_a_permit_was_revoked(permit, staff):
    services.transition(application=permit, to=S.REVOKED, by=staff, note="Sztuczna trawa")
    response = browser().get(reverse("gardens:verify", args=[permit.verification_token]))
    assert response.context["state"] == "revoked"


def test_verification_of_an_unknown_token_or_a_draft_is_404(business):
    draft = ApplicationFactory(business=business)
    assert browser().get(reverse("gardens:verify", args=[draft.verification_token])).status_code == 404
    assert browser().get("/ogrodki/sprawdz/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_starting_from_last_seasons_permit_on_the_page(permit, owner, centre):
    SeasonFactory(centre=centre, year=2028)
    url = reverse("gardens:apply") + f"?from={permit.pk}"
    assert browser(owner).get(url).status_code == 200
    assert GardenApplication.objects.count() == 1  # a GET changes nothing
    response = browser(owner).post(url)
    assert response.status_code == 302
    renewal = GardenApplication.objects.exclude(pk=permit.pk).get()
    assert renewal.season.year == 2028 and renewal.previous == permit
    assert browser(UserFactory()).get(url).status_code == 302  # not a manager: back to the register


def test_pages_speak_polish_by_default(centre):
    page = browser().get(reverse("gardens:register"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Rejestr aktualnych zezwoleń" in page
    english = browser().get(reverse("gardens:register"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Register of current permits" in english


def test_greenery_lists_are_joined_without_stray_separators(business, owner):
    application = ApplicationFactory(business=business, declared_tall_plants=True, declared_planters=True)
    html = browser(owner).get(reverse("gardens:application-detail", args=[application.pk])).content.decode()
    assert "<dd>tall plants against the facade; planters along the whole enclosure</dd>" in html
    assert "<dd>—</dd>" in html  # nothing confirmed yet: a dash, not a blank
