"""The green discount rests on evidence: each confirmed kind of greenery names the photo that shows it, one of
the application's own images or of its inspections' photos — in the service, the API and the admin alike."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gardens import services
from gardens.models import Attachment, GardenApplication, GreeneryEvidence, Inspection, InspectionPhoto
from tests.conftest import client_for
from tests.factories import BusinessFactory, MembershipFactory
from tests.gardens.factories import photo_evidence, png_bytes, ready_application

S = GardenApplication.Status
API = "/api/v1/gardens/applications/"


@pytest.fixture
def submitted(business, owner):
    application = ready_application(business=business, declared_planters=True, declared_hanging=True)
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    return application


@pytest.fixture
def foreign_photo(centre):
    """A photo of another café's application in the same centre."""
    other = ready_application(business=BusinessFactory(centre=centre))
    return other.attachments.get(kind=Attachment.Kind.PHOTO)


def refusal_code(exc) -> str:
    return exc.value.error_dict["greenery_evidence"][0].code


def test_each_confirmed_kind_is_stored_with_its_photo(submitted, staff):
    photo = submitted.attachments.get(kind=Attachment.Kind.PHOTO)
    second = Attachment.objects.create(application=submitted, kind=Attachment.Kind.PHOTO, original_name="pnacze.png",
                                       content_type="image/png", size=10,
                                       file=SimpleUploadedFile("pnacze.png", png_bytes()))
    services.transition(application=submitted, to=S.APPROVED, by=staff, confirmed_greenery=["planters", "hanging"],
                        greenery_evidence={"planters": f"attachment:{photo.pk}", "hanging": f"attachment:{second.pk}"})
    stored = {e.kind: (e.attachment_id, e.confirmed_by_id) for e in GreeneryEvidence.objects.filter(
        application=submitted)}
    assert stored == {"planters": (photo.pk, staff.pk), "hanging": (second.pk, staff.pk)}


def test_confirming_without_a_photo_is_refused(submitted, staff):
    with pytest.raises(ValidationError) as exc:
        services.transition(application=submitted, to=S.APPROVED, by=staff, confirmed_greenery=["planters"])
    assert refusal_code(exc) == "greenery_no_evidence"
    with pytest.raises(ValidationError) as exc:  # one kind with its photo, the other without
        services.transition(application=submitted, to=S.APPROVED, by=staff, confirmed_greenery=["planters", "hanging"],
                            greenery_evidence=photo_evidence(submitted, ["planters"]))
    assert refusal_code(exc) == "greenery_no_evidence"
    assert GardenApplication.objects.get(pk=submitted.pk).status == S.SUBMITTED
    assert not GreeneryEvidence.objects.exists()


def test_another_applications_photo_is_refused(submitted, staff, foreign_photo):
    with pytest.raises(ValidationError) as exc:
        services.transition(application=submitted, to=S.APPROVED, by=staff, confirmed_greenery=["planters"],
                            greenery_evidence={"planters": f"attachment:{foreign_photo.pk}"})
    assert refusal_code(exc) == "greenery_evidence_foreign"


def test_another_permits_inspection_photo_and_a_pdf_are_refused(submitted, staff, centre):
    other = ready_application(business=BusinessFactory(centre=centre), status=S.APPROVED, permit_number="X/1")
    inspection = Inspection.objects.create(application=other, inspected_on=other.period_start)
    photo = InspectionPhoto.objects.create(inspection=inspection,
                                           file=SimpleUploadedFile("kontrola.png", png_bytes()))
    site_plan_pdf = submitted.attachments.get(kind=Attachment.Kind.SITE_PLAN)  # a PDF shows no plants
    for reference in (f"inspection_photo:{photo.pk}", f"attachment:{site_plan_pdf.pk}", "attachment:x", "photo"):
        with pytest.raises(ValidationError) as exc:
            services.transition(application=submitted, to=S.APPROVED, by=staff, confirmed_greenery=["planters"],
                                greenery_evidence={"planters": reference})
        assert refusal_code(exc) == "greenery_evidence_foreign", reference


def test_a_photo_for_an_unconfirmed_kind_is_refused(submitted, staff):
    with pytest.raises(ValidationError) as exc:
        services.transition(application=submitted, to=S.APPROVED, by=staff, confirmed_greenery=[],
                            greenery_evidence=photo_evidence(submitted, ["planters"]))
    assert refusal_code(exc) == "invalid"


def test_the_photos_offered_are_the_applications_images_and_its_inspections_photos(submitted, staff):
    photo = submitted.attachments.get(kind=Attachment.Kind.PHOTO)
    assert [ref for ref, _name in services.evidence_photos(submitted)] == [f"attachment:{photo.pk}"]
    inspection = Inspection.objects.create(application=submitted, inspected_on=submitted.period_start)
    shot = InspectionPhoto.objects.create(inspection=inspection, file=SimpleUploadedFile("k.png", png_bytes()))
    assert [ref for ref, _name in services.evidence_photos(submitted)] == [
        f"attachment:{photo.pk}", f"inspection_photo:{shot.pk}"]


# --- The API -------------------------------------------------------------------------------------------

def test_api_approval_needs_the_applications_own_photo_per_kind(submitted, staff, foreign_photo):
    api = client_for(staff)
    url = f"{API}{submitted.pk}/approve/"
    missing = api.post(url, {"confirmed_greenery": ["planters"]}, format="json")
    assert missing.status_code == 400
    assert [(e["attr"], e["code"]) for e in missing.json()["errors"]] == [("greenery_evidence", "greenery_no_evidence")]
    foreign = api.post(url, {"confirmed_greenery": ["planters"],
                             "greenery_evidence": {"planters": f"attachment:{foreign_photo.pk}"}}, format="json")
    assert [(e["attr"], e["code"]) for e in foreign.json()["errors"]] == [
        ("greenery_evidence", "greenery_evidence_foreign")]
    ok = api.post(url, {"confirmed_greenery": ["planters"],
                        "greenery_evidence": photo_evidence(submitted, ["planters"])}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["confirmed_greenery"] == ["planters"]
    photo = submitted.attachments.get(kind=Attachment.Kind.PHOTO)
    detail = api.get(f"{API}{submitted.pk}/").json()["application"]
    assert [(e["kind"], e["photo"]) for e in detail["greenery_evidence"]] == [("planters", f"attachment:{photo.pk}")]
    assert GreeneryEvidence.objects.get(application=submitted).kind == "planters"


# --- The admin -----------------------------------------------------------------------------------------

def admin_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_admin_review_asks_for_the_photo_of_each_kind_and_shows_it_after(submitted, staff, foreign_photo):
    client = admin_client(staff)
    url = reverse("admin:gardens_gardenapplication_review", args=[submitted.pk])
    page = client.get(url).content.decode()
    photo = submitted.attachments.get(kind=Attachment.Kind.PHOTO)
    assert 'name="evidence_planters"' in page and f'value="attachment:{photo.pk}"' in page
    assert f"attachment:{foreign_photo.pk}" not in page
    without = client.post(url, {"to": "approved", "confirmed_greenery": ["planters"]})
    assert without.status_code == 200 and "Choose the photo that shows each confirmed kind" in without.content.decode()
    foreign = client.post(url, {"to": "approved", "confirmed_greenery": ["planters"],
                                "evidence_planters": f"attachment:{foreign_photo.pk}"})
    assert foreign.status_code == 200  # not one of the choices: the form refuses it
    assert GardenApplication.objects.get(pk=submitted.pk).status == S.SUBMITTED
    done = client.post(url, {"to": "approved", "confirmed_greenery": ["planters"],
                             "evidence_planters": f"attachment:{photo.pk}"})
    assert done.status_code == 302
    photo_url = reverse("gardens:attachment", args=[submitted.pk, photo.pk])
    review = client.get(url).content.decode()
    assert 'data-kind="planters"' in review and photo_url in review
    record = client.get(reverse("admin:gardens_gardenapplication_change", args=[submitted.pk])).content.decode()
    assert photo_url in record and "garden.png" in record


def test_the_staff_detail_page_approves_with_the_chosen_photo(submitted, staff):
    client = admin_client(staff)
    photo = submitted.attachments.get(kind=Attachment.Kind.PHOTO)
    detail = reverse("gardens:application-detail", args=[submitted.pk])
    assert f'value="attachment:{photo.pk}"' in client.get(detail).content.decode()
    client.post(reverse("gardens:application-move", args=[submitted.pk]),
                {"to": "approved", "confirmed_greenery": ["planters"]})
    assert GardenApplication.objects.get(pk=submitted.pk).status == S.SUBMITTED  # no photo: refused
    client.post(reverse("gardens:application-move", args=[submitted.pk]),
                {"to": "approved", "confirmed_greenery": ["planters"], "evidence_planters": f"attachment:{photo.pk}"})
    assert GardenApplication.objects.get(pk=submitted.pk).status == S.APPROVED
    assert f'<ul class="evidence"><li>planters along the whole enclosure: <a href="{reverse("gardens:attachment", args=[submitted.pk, photo.pk])}">garden.png' in client.get(detail).content.decode()


def test_the_owner_does_not_see_the_photo_choice(submitted, owner, business):
    MembershipFactory(business=business, role="manager")
    page = admin_client(owner).get(reverse("gardens:application-detail", args=[submitted.pk])).content.decode()
    assert "evidence_planters" not in page
