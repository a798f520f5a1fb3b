"""Applications: the garden's data rules, declarations, attachments, starting from last season's permit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from centres.models import Zone
from gardens import services
from gardens.models import Attachment, GardenApplication, GreeneryKind
from gardens.selectors import conflicts_for
from tests.factories import MembershipFactory, StreetFactory, UserFactory
from tests.gardens.factories import (
    ApplicationFactory,
    RuleFactory,
    SeasonFactory,
    TierFactory,
    pdf_upload,
    photo_evidence,
    png_upload,
    rate,
    ready_application,
)


@pytest.fixture
def season(centre):
    return SeasonFactory(centre=centre, year=2027)


@pytest.fixture
def garden(business, season, zone):
    rate(zone, "4.00")
    return {"zone": zone, "street": business.street, "address": "Rynek Staromiejski 12", "area_m2": Decimal("20"),
            "length_m": Decimal("5"), "width_m": Decimal("4"), "period_start": dt.date(2027, 5, 1),
            "period_end": dt.date(2027, 9, 30), "pedestrian_width_m": Decimal("2.0")}


def test_owner_creates_a_draft_with_the_fee_estimate(business, season, owner, garden):
    application = services.create_application(business=business, season=season, by=owner,
                                              greenery=[GreeneryKind.PLANTERS], **garden)
    assert application.status == GardenApplication.Status.DRAFT
    assert application.fee_days == 153
    assert application.fee_total == Decimal("12240.00")
    assert application.declared_greenery_kinds() == {"planters"}
    assert application.confirmed_greenery_kinds() == set()
    assert application.history.get().to_status == "draft"


def test_a_till_colleague_or_a_stranger_cannot_apply(business, season, garden):
    till = MembershipFactory(business=business, role="till").user
    for user in (till, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.create_application(business=business, season=season, by=user, **garden)


def test_a_manager_may_apply(business, season, garden):
    manager = MembershipFactory(business=business, role="manager").user
    assert services.create_application(business=business, season=season, by=manager, **garden).pk


@pytest.mark.parametrize(("changes", "field"), [
    ({"area_m2": Decimal("30")}, "area_m2"),  # 5 × 4 = 20, not 30
    ({"area_m2": Decimal("0"), "length_m": Decimal("0")}, "area_m2"),
    ({"width_m": Decimal("-1")}, "width_m"),
    ({"area_m2": Decimal("2000"), "length_m": Decimal("50"), "width_m": Decimal("40")}, "area_m2"),
    ({"period_start": dt.date(2027, 3, 1)}, "period_start"),  # before 15 March
    ({"period_end": dt.date(2027, 11, 20)}, "period_start"),  # crosses from summer into winter
    ({"period_end": dt.date(2027, 4, 1)}, "period_end"),  # ends before it starts
    ({"pedestrian_width_m": Decimal("1.49")}, "pedestrian_width_m"),  # below the 1.5 m default
])
def test_invalid_garden_data_is_refused(business, season, owner, garden, changes, field):
    garden.update(changes)
    with pytest.raises(ValidationError) as exc:
        services.create_application(business=business, season=season, by=owner, **garden)
    assert field in exc.value.message_dict


def test_area_within_rounding_of_the_dimensions_is_accepted(business, season, owner, garden):
    garden.update(length_m=Decimal("3.33"), width_m=Decimal("3.33"), area_m2=Decimal("11.09"))
    assert services.create_application(business=business, season=season, by=owner, **garden).pk


def test_zone_maximum_area_and_own_pedestrian_minimum(business, season, owner, garden, zone):
    zone.max_garden_area_m2 = Decimal("15")
    zone.min_pedestrian_width_m = Decimal("2.50")
    zone.save()
    with pytest.raises(ValidationError) as exc:
        services.create_application(business=business, season=season, by=owner, **garden)
    assert set(exc.value.message_dict) == {"area_m2", "pedestrian_width_m"}


def test_a_winter_period_is_accepted(business, season, owner, garden):
    garden.update(period_start=dt.date(2027, 12, 1), period_end=dt.date(2028, 2, 29))
    application = services.create_application(business=business, season=season, by=owner, **garden)
    assert application.fee_days == 91


def test_a_zone_or_season_of_another_centre_is_refused(business, owner, garden, other_centre):
    foreign_season = SeasonFactory(centre=other_centre, year=2027)
    with pytest.raises(ValidationError) as exc:
        services.create_application(business=business, season=foreign_season, by=owner, **garden)
    assert "season" in exc.value.message_dict


def test_a_street_of_another_zone_is_refused(business, season, owner, garden, centre):
    garden["street"] = StreetFactory(centre=centre, zone__centre=centre)
    with pytest.raises(ValidationError) as exc:
        services.create_application(business=business, season=season, by=owner, **garden)
    assert "street" in exc.value.message_dict


def test_a_closed_season_takes_no_applications(business, season, owner, garden):
    season.is_open = False
    season.save()
    with pytest.raises(ValidationError):
        services.create_application(business=business, season=season, by=owner, **garden)


def test_legal_form_follows_the_zone_kind(zone):
    application = GardenApplication(zone=zone)
    assert "road-lane" in application.legal_form
    zone.kind = Zone.Kind.INTERNAL_ROAD
    assert "lease" in application.legal_form


def test_only_editable_applications_can_be_updated(owner, business):
    application = ApplicationFactory(business=business, status="submitted", submitted_at=None)
    with pytest.raises(ValidationError):
        services.update_application(application=application, by=owner, address="Szeroka 1")


def test_update_recomputes_the_fee(owner, business):
    application = ready_application(business=business)
    services.update_application(application=application, by=owner, area_m2=Decimal("10"), length_m=Decimal("5"),
                                width_m=Decimal("2"))
    application.refresh_from_db()
    assert application.fee_total == Decimal("1200.00")  # 10 m² × 30 days × 4


def test_declaring_a_breach_needs_a_comment(owner, business):
    application = ApplicationFactory(business=business)
    rule = RuleFactory(season=application.season)
    with pytest.raises(ValidationError):
        services.set_declarations(application=application, by=owner, declarations={rule.pk: (False, "")})
    services.set_declarations(application=application, by=owner,
                              declarations={rule.pk: (False, "Parasole z poprzedniego sezonu do wymiany w maju.")})
    assert application.declarations.get().complies is False


def test_declaring_a_rule_of_another_season_is_refused(owner, business, centre):
    application = ApplicationFactory(business=business)
    other = RuleFactory(season=SeasonFactory(centre=centre, year=2026))
    with pytest.raises(ValidationError):
        services.set_declarations(application=application, by=owner, declarations={other.pk: (True, "")})


def test_images_and_pdf_site_plans_are_stored_under_the_application(owner, business):
    application = ApplicationFactory(business=business)
    plan = services.add_attachment(application=application, kind="site_plan", upload=pdf_upload(), by=owner)
    photo = services.add_attachment(application=application, kind="photo", upload=png_upload(), by=owner)
    assert plan.content_type == "application/pdf"
    assert photo.content_type == "image/png"
    assert plan.file.name.startswith(f"gardens/applications/{application.pk}/")


def test_a_non_image_upload_is_refused(owner, business):
    application = ApplicationFactory(business=business)
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho not an image\n", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.add_attachment(application=application, kind="photo", upload=fake, by=owner)
    assert "file" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.add_attachment(application=application, kind="photo", upload=pdf_upload(), by=owner)
    assert not Attachment.objects.exists()


def test_a_truncated_image_is_refused(owner, business):
    from tests.gardens.factories import png_bytes

    application = ApplicationFactory(business=business)
    broken = SimpleUploadedFile("x.png", png_bytes()[:40], content_type="image/png")
    with pytest.raises(ValidationError):
        services.add_attachment(application=application, kind="photo", upload=broken, by=owner)


def test_an_oversized_upload_is_refused(owner, business, monkeypatch):
    application = ApplicationFactory(business=business)
    from django.conf import settings

    monkeypatch.setattr(settings, "MAX_UPLOAD_BYTES", 50)
    with pytest.raises(ValidationError) as exc:
        services.add_attachment(application=application, kind="photo", upload=png_upload(), by=owner)
    assert "MB" in exc.value.message_dict["file"][0]


def test_next_season_starts_from_the_permit_in_one_step(owner, business, staff, centre):
    application = ready_application(business=business, season=SeasonFactory(centre=centre, year=2026),
                                    declared_planters=True)
    services.transition(application=application, to="submitted", by=owner)
    services.transition(application=application, to="approved", by=staff, confirmed_greenery=["planters"],
                        greenery_evidence=photo_evidence(application, ["planters"]))
    next_season = SeasonFactory(centre=centre, year=2027)
    TierFactory(season=next_season, min_kinds=1, percent=Decimal("5"))
    renewal = services.start_from_permit(permit=application, season=next_season, by=owner)
    assert renewal.status == "draft"
    assert renewal.previous == application
    assert (renewal.period_start, renewal.period_end) == (dt.date(2027, 6, 1), dt.date(2027, 6, 30))
    assert renewal.address == application.address
    assert renewal.declared_greenery_kinds() == {"planters"}
    assert renewal.attachments.count() == 2  # the site plan and the photo
    assert renewal.fee_discount_percent == Decimal("5")


def test_only_an_approved_permit_can_be_renewed(owner, business, centre):
    draft = ApplicationFactory(business=business, season=SeasonFactory(centre=centre, year=2026))
    with pytest.raises(ValidationError):
        services.start_from_permit(permit=draft, season=SeasonFactory(centre=centre, year=2027), by=owner)


def test_overlapping_live_applications_for_one_place_are_flagged(business, season):
    first = ApplicationFactory(business=business, season=season, address="Szeroka 21", status="submitted")
    second = ApplicationFactory(business=business, season=season, address="szeroka 21 ",
                                period_start=dt.date(2027, 6, 30), period_end=dt.date(2027, 7, 30))
    ApplicationFactory(business=business, season=season, address="Szeroka 21", status="withdrawn")
    ApplicationFactory(business=business, season=season, address="Szeroka 21", period_start=dt.date(2027, 8, 1),
                       period_end=dt.date(2027, 8, 30), status="submitted")
    ApplicationFactory(business=business, season=season, address="Szeroka 23", status="approved",
                       permit_number="X/OG/2027/0001")
    assert list(conflicts_for(second)) == [first]
