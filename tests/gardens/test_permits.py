"""Permits an office can stand behind (issue 13): one garden per place, measured rules, evidence for the discount,
approval that re-checks, an immutable permit document, inspections within the period."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from gardens import geometry, services
from gardens.forms import DeclarationsForm
from gardens.models import AestheticRule, Attachment, GardenApplication, Inspection, PaymentAccount
from tests.factories import BusinessFactory, MembershipFactory, StreetFactory
from tests.gardens.factories import RuleFactory, SeasonFactory, TierFactory, photo_evidence, ready_application

S = GardenApplication.Status
M = AestheticRule.Measure
TORUN = (18.6048, 53.0102)


def code_of(exc, field):
    return exc.value.error_dict[field][0].code


def approve(application, owner, staff, kinds=()):
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=kinds,
                        greenery_evidence=photo_evidence(application, kinds))
    application.refresh_from_db()
    return application


@pytest.fixture
def neighbour(business, centre):
    """A second business in the same zone and street, with its own owner."""
    other = BusinessFactory(centre=centre, zone=business.zone, street=business.street)
    owner = MembershipFactory(business=other).user
    return other, owner


# --- The place is a shape, not a text -----------------------------------------------------------------

def test_overlapping_outlines_are_refused_at_approval(business, owner, staff, neighbour):
    other, other_owner = neighbour
    first = ready_application(business=business, outline=geometry.rectangle(lon=TORUN[0], lat=TORUN[1],
                                                                            length_m=5, width_m=4))
    approve(first, owner, staff)
    # 2 m to the east: the two outlines share 3 m × 4 m.
    shifted = geometry.rectangle(lon=TORUN[0] + 2 / (6371008.8 * 0.6018) * 57.2958, lat=TORUN[1], length_m=5,
                                 width_m=4)
    second = ready_application(business=other, address="Inna 99", outline=shifted,
                               period_start=dt.date(2027, 6, 20), period_end=dt.date(2027, 7, 20))
    services.transition(application=second, to=S.SUBMITTED, by=other_owner)
    with pytest.raises(ValidationError) as exc:
        services.transition(application=second, to=S.APPROVED, by=staff, confirmed_greenery=[])
    assert code_of(exc, "outline") == "place_taken"
    assert first.permit_number in exc.value.message_dict["outline"][0]
    assert GardenApplication.objects.get(pk=second.pk).status == S.SUBMITTED


def test_outlines_side_by_side_and_periods_apart_both_pass(business, owner, staff, neighbour):
    other, other_owner = neighbour
    approve(ready_application(business=business, outline=geometry.rectangle(
        lon=TORUN[0], lat=TORUN[1], length_m=5, width_m=4)), owner, staff)
    touching = geometry.rectangle(lon=TORUN[0], lat=TORUN[1] + 4 / 6371008.8 * 57.29577951, length_m=5, width_m=4)
    beside = ready_application(business=other, address="Inna 1", outline=touching)
    assert approve(beside, other_owner, staff).status == S.APPROVED


def test_the_area_is_computed_from_the_outline(business, owner):
    application = ready_application(business=business, outline=geometry.rectangle(
        lon=TORUN[0], lat=TORUN[1], length_m=5, width_m=4))
    services.update_application(application=application, by=owner, placement="przy fasadzie")
    assert abs(application.outline_area_m2 - Decimal("20.00")) < Decimal("0.05")


def test_a_self_crossing_outline_is_refused(business, owner):
    application = ready_application(business=business)
    bow_tie = {"type": "Polygon", "coordinates": [[[18.6, 53.0], [18.6001, 53.0001], [18.6001, 53.0],
                                                   [18.6, 53.0001], [18.6, 53.0]]]}
    with pytest.raises(ValidationError) as exc:
        services.update_application(application=application, by=owner, outline=bow_tie)
    assert code_of(exc, "outline") == "outline_invalid"


def test_ul_szeroka_10_and_szeroka_10_are_one_place(business, owner, staff, neighbour, zone):
    other, other_owner = neighbour
    szeroka = StreetFactory(zone=business.zone, centre=business.centre, name="Szeroka")
    first = ready_application(business=business, street=None, address="ul. Szeroka 10")
    approve(first, owner, staff)
    assert (first.street_id, first.building_number) == (szeroka.pk, "10")
    second = ready_application(business=other, street=szeroka, address="Szeroka 10",
                               period_start=dt.date(2027, 6, 15), period_end=dt.date(2027, 8, 15))
    services.transition(application=second, to=S.SUBMITTED, by=other_owner)
    assert second.place_key == first.place_key == f"{szeroka.pk}:10"
    with pytest.raises(ValidationError) as exc:
        services.transition(application=second, to=S.APPROVED, by=staff, confirmed_greenery=[])
    assert code_of(exc, "outline") == "place_taken"


# --- Rules that can be measured are measured ----------------------------------------------------------

@pytest.fixture
def measured_rules(business):
    season = SeasonFactory(centre=business.centre, year=2027)
    return {
        "umbrella": RuleFactory(season=season, title_en="Umbrellas at most 3 m high", measure=M.UMBRELLA_HEIGHT_MAX,
                                limit=Decimal("3")),
        "enclosure": RuleFactory(season=season, title_en="Enclosure at most 1.1 m", measure=M.ENCLOSURE_HEIGHT_MAX,
                                 limit=Decimal("1.1")),
        "palette": RuleFactory(season=season, title_en="Ecru and natural colours", measure=M.COLOUR_PALETTE,
                               palette="ecru, beige, white"),
        "greenery": RuleFactory(season=season, title_en="Live greenery is mandatory", measure=M.GREENERY_MIN,
                                limit=1),
    }


def test_a_6_m_umbrella_is_refused_in_the_rules_own_words(business, owner, measured_rules):
    application = ready_application(business=business, declared_planters=True)
    with pytest.raises(ValidationError) as exc:
        services.update_application(application=application, by=owner, umbrella_height_m=Decimal("6"))
    message = exc.value.message_dict["umbrella_height_m"][0]
    assert "Umbrellas at most 3 m high" in message and "6" in message
    assert code_of(exc, "umbrella_height_m") == "rule_breached"


def test_every_breach_of_the_issue_is_refused_with_its_rule(business, owner, measured_rules):
    application = ready_application(business=business, declared_planters=True)
    with pytest.raises(ValidationError) as exc:
        services.update_application(application=application, by=owner, umbrella_height_m=Decimal("6"),
                                    enclosure_height_m=Decimal("2.5"), furniture_colour="neon pink", greenery=[])
    errors = exc.value.message_dict
    assert "Enclosure at most 1.1 m" in errors["enclosure_height_m"][0]
    assert "neon pink" in errors["furniture_colour"][0] and "ecru" in errors["furniture_colour"][0]
    assert "Live greenery is mandatory" in errors["greenery"][0]
    assert not any("rule-" in m for messages in errors.values() for m in messages)  # never a slug


def test_declarations_come_unticked(business):
    application = ready_application(business=business)
    rule = RuleFactory(season=application.season)
    form = DeclarationsForm(rules=[rule], existing={})
    assert form[f"complies_{rule.pk}"].value() is False
    assert "checked" not in str(form[f"complies_{rule.pk}"])
    field = GardenApplication._meta.get_field("declarations").related_model._meta.get_field("complies")
    assert field.default is False


# --- The green discount rests on evidence -------------------------------------------------------------

def test_confirming_an_undeclared_kind_is_refused(business, owner, staff):
    application = ready_application(business=business, declared_planters=True)
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    with pytest.raises(ValidationError) as exc:
        services.transition(application=application, to=S.APPROVED, by=staff,
                            confirmed_greenery=["planters", "tall_plants", "hanging"])
    assert code_of(exc, "confirmed_greenery") == "greenery_not_declared"
    assert GardenApplication.objects.get(pk=application.pk).status == S.SUBMITTED


def test_confirming_greenery_needs_a_photo(business, owner, staff):
    application = ready_application(business=business, declared_planters=True)
    application.attachments.filter(kind=Attachment.Kind.PHOTO).delete()
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    with pytest.raises(ValidationError) as exc:
        services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=["planters"])
    assert code_of(exc, "greenery_evidence") == "greenery_no_evidence"


def test_greenery_found_missing_at_inspection_is_a_surcharge_and_the_owner_is_told(
        business, owner, staff, mailoutbox, django_capture_on_commit_callbacks):
    TierFactory(season=SeasonFactory(centre=business.centre, year=2027), min_kinds=1, percent=Decimal("10"))
    rule = RuleFactory(season__centre=business.centre, season__year=2027)
    application = ready_application(business=business, declared_planters=True)
    with time_machine.travel(dt.datetime(2027, 5, 20, 10, 0), tick=False):
        approve(application, owner, staff, kinds=["planters"])
    assert application.fee_total == Decimal("2160.00")  # 20 m² × 30 days × 4 PLN − 10 %
    mailoutbox.clear()
    with time_machine.travel(dt.datetime(2027, 6, 21, 10, 0), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        services.record_inspection(application=application, by=staff, inspected_on=dt.date(2027, 6, 21),
                                   results={rule.pk: (True, "")}, missing_greenery=["planters"])
    account = PaymentAccount.objects.get(application=application)
    surcharge = account.entries.get(kind="surcharge")
    assert surcharge.amount == Decimal("80.00")  # 10 days × 20 m² × 4 PLN × 10 %
    assert "missing" in surcharge.reason
    application.refresh_from_db()
    assert application.confirmed_greenery_kinds() == set()
    assert any(application.permit_number in m.subject and "dopłata" in m.subject for m in mailoutbox)


# --- Approval re-checks everything --------------------------------------------------------------------

def test_approval_after_a_zone_change_is_refused(business, owner, staff):
    application = ready_application(business=business)  # 20 m², 2 m of pavement left
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    zone = application.zone
    zone.max_garden_area_m2 = Decimal("5")
    zone.min_pedestrian_width_m = Decimal("3")
    zone.save()
    with pytest.raises(ValidationError) as exc:
        services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=[])
    assert code_of(exc, "area_m2") == "zone_limit"
    assert code_of(exc, "pedestrian_width_m") == "zone_limit"
    assert GardenApplication.objects.get(pk=application.pk).status == S.SUBMITTED


def test_approval_needs_a_valid_iban_on_the_season(business, owner, staff):
    application = ready_application(business=business)
    season = application.season
    season.bank_account = "PL61109010140000071219812875"  # one digit off
    season.save()
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    with pytest.raises(ValidationError) as exc:
        services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=[])
    assert code_of(exc, "bank_account") == "invalid_iban"


# --- The permit is a document of record ---------------------------------------------------------------

def test_a_rule_deactivated_after_issue_leaves_the_stored_pdf_byte_identical(business, owner, staff, client):
    rule = RuleFactory(season=SeasonFactory(centre=business.centre, year=2027), title_pl="Bez reklam alkoholu")
    permit = approve(ready_application(business=business), owner, staff)
    stored = permit.permit_pdf.read()
    assert hashlib.sha256(stored).hexdigest() == permit.permit_sha256
    rule.is_active = False
    rule.save()
    client.force_login(owner)
    response = client.get(f"/ogrodki/wnioski/{permit.pk}/zezwolenie.pdf")
    assert b"".join(response.streaming_content) == stored
    page = client.get(f"/ogrodki/sprawdz/{permit.verification_token}/").content.decode()
    assert permit.permit_sha256 in page


def test_the_permit_number_lies_inside_the_pdf_page(business, owner, staff):
    from io import BytesIO

    from pypdf import PdfReader

    permit = approve(ready_application(business=business), owner, staff)
    page = PdfReader(BytesIO(permit.permit_pdf.read())).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if permit.permit_number in text:
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((x, y, len(text) * font_size * 0.6))

    text = page.extract_text(visitor_text=visit)
    assert found, text
    for x, y, text_width in found:
        assert x >= 0 and x + text_width <= width and 0 <= y <= height
    for words in ("Podstawa prawna", "Termin płatności", "Numer rachunku", "PL61 1090 1014 0000 0712 1981 2874",
                  "Do zapłaty"):
        assert words in text


def test_a_revoked_permit_keeps_its_document_and_the_account_credits_the_unused_days(business, owner, staff, client):
    with time_machine.travel(dt.datetime(2027, 5, 20, 10, 0), tick=False):
        permit = approve(ready_application(business=business), owner, staff)
    stored = permit.permit_pdf.read()
    with time_machine.travel(dt.datetime(2027, 6, 10, 10, 0), tick=False):
        services.transition(application=permit, to=S.REVOKED, by=staff, note="Reklama alkoholu")
        client.force_login(owner)
        assert b"".join(client.get(f"/ogrodki/wnioski/{permit.pk}/zezwolenie.pdf").streaming_content) == stored
        page = client.get(f"/ogrodki/sprawdz/{permit.verification_token}/").content.decode()
    assert "revoked" in page.lower()
    refund = PaymentAccount.objects.get(application=permit).entries.get(kind="refund")
    assert refund.amount == Decimal("1600.00")  # 20 of 30 days not used: 2400 × 20/30
    assert "Reklama alkoholu" in refund.reason


# --- Inspections --------------------------------------------------------------------------------------

def test_an_inspection_before_the_period_is_refused(business, owner, staff):
    rule = RuleFactory(season__centre=business.centre, season__year=2027)
    with time_machine.travel(dt.datetime(2027, 5, 20, 10, 0), tick=False):
        permit = approve(ready_application(business=business), owner, staff)  # June 2027
        with pytest.raises(ValidationError) as exc:
            services.record_inspection(application=permit, by=staff, inspected_on=dt.date(2027, 5, 20),
                                       results={rule.pk: (True, "")})
        assert code_of(exc, "inspected_on") == "inspection_date"
    with time_machine.travel(dt.datetime(2027, 5, 28, 10, 0), tick=False):
        preliminary = services.record_inspection(application=permit, by=staff, inspected_on=dt.date(2027, 5, 28),
                                                 kind=Inspection.Kind.PRELIMINARY, results={rule.pk: (True, "")})
    assert preliminary.kind == "preliminary"


def test_the_inspection_admin_refuses_a_date_outside_the_period_as_the_api_does(business, owner, staff):
    from tests.gardens.test_admin import admin_client

    rule = RuleFactory(season__centre=business.centre, season__year=2027)
    with time_machine.travel(dt.datetime(2027, 5, 20, 10, 0), tick=False):
        permit = approve(ready_application(business=business), owner, staff)
        response = admin_client(staff).post("/admin/gardens/inspection/add/", {
            "application": permit.pk, "kind": "operational", "inspected_on": "2027-05-20", "note": "",
            "results-TOTAL_FORMS": "1", "results-INITIAL_FORMS": "0", "results-0-rule": rule.pk,
            "results-0-kept": "on", "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "within the permit" in response.content.decode()
    assert not Inspection.objects.exists()
