"""The office admin: the review queue scoped to the staff's centre, review through the workflow, fee totals, CSV."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from gardens import services
from gardens.models import GardenApplication
from tests.factories import MembershipFactory
from tests.gardens.factories import ApplicationFactory, RuleFactory, photo_evidence, ready_application

S = GardenApplication.Status


def admin_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def submitted(business, owner):
    application = ready_application(business=business, declared_planters=True, declared_hanging=True)
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    return application


def test_queue_shows_only_the_staffs_centre(submitted, staff, other_staff, other_centre):
    foreign_owner = MembershipFactory(business__centre=other_centre).user
    foreign = ApplicationFactory(business=foreign_owner.businesses.get(), address="Obca 9")
    page = admin_client(staff).get(reverse("admin:gardens_gardenapplication_changelist") + "?status=submitted")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [submitted]
    everything = admin_client(staff).get(reverse("admin:gardens_gardenapplication_changelist"))
    assert foreign not in list(everything.context["cl"].result_list)
    assert admin_client(other_staff).get(
        reverse("admin:gardens_gardenapplication_change", args=[submitted.pk])).status_code in (302, 404)
    assert admin_client(staff).get(
        reverse("admin:gardens_gardenapplication_change", args=[submitted.pk])).status_code == 200


def test_review_page_moves_through_the_workflow(submitted, staff, other_staff):
    url = reverse("admin:gardens_gardenapplication_review", args=[submitted.pk])
    assert admin_client(other_staff).get(url).status_code == 404
    client = admin_client(staff)
    refused = client.post(url, {"to": "rejected", "note": ""})
    assert refused.status_code == 200
    assert "reason" in refused.content.decode()
    assert client.post(url, {"to": "approved", "confirmed_greenery": ["planters"],
                             "evidence_planters": photo_evidence(submitted, ["planters"])["planters"]}
                       ).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    assert submitted.confirmed_greenery_kinds() == {"planters"}


def test_bulk_approve_gives_no_green_discount_on_a_declaration_alone(submitted, staff):
    changelist = reverse("admin:gardens_gardenapplication_changelist")
    admin_client(staff).post(changelist, {"action": "approve_without_greenery", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    assert submitted.confirmed_greenery_kinds() == set()
    assert submitted.fee_discount == 0


def test_fee_totals_are_summed_per_zone_and_season(submitted, staff, other_staff):
    services.transition(application=submitted, to=S.APPROVED, by=staff, confirmed_greenery=[])
    url = reverse("admin:gardens_gardenapplication_fee_totals")
    page = admin_client(staff).get(url)
    assert page.status_code == 200
    rows = list(page.context["rows"])
    assert len(rows) == 1 and rows[0]["total"] == Decimal("2400.00") and rows[0]["permits"] == 1
    assert list(admin_client(other_staff).get(url).context["rows"]) == []


def test_csv_export_of_the_selection(submitted, staff):
    response = admin_client(staff).post(reverse("admin:gardens_gardenapplication_changelist"),
                                        {"action": "export_csv", "_selected_action": [submitted.pk]})
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("permit_number;business;nip")
    assert submitted.business.nip in text


def test_permit_resource_exports_issued_permits_of_the_centre(submitted, staff, centre, other_centre):
    from gardens.resources import PermitResource

    services.transition(application=submitted, to=S.APPROVED, by=staff, confirmed_greenery=[])
    ApplicationFactory(business=submitted.business)  # a draft is not a permit
    data = PermitResource(centre=centre).export()
    assert data.headers[:3] == ["permit_number", "business", "nip"]
    assert [row[0] for row in data] == [GardenApplication.objects.get(pk=submitted.pk).permit_number]
    assert len(PermitResource(centre=other_centre).export()) == 0


def test_inspection_admin_lists_breaches(submitted, staff):
    from gardens.models import Inspection, InspectionResult

    rule = RuleFactory(season=submitted.season)
    inspection = Inspection.objects.create(application=submitted, inspected_on=submitted.period_start,
                                           inspector=staff)
    InspectionResult.objects.create(inspection=inspection, rule=rule, kept=False)
    page = admin_client(staff).get(reverse("admin:gardens_inspection_changelist"))
    assert page.status_code == 200


def test_gdpr_export_and_erasure(submitted, owner):
    from core.gdpr import erase_personal_data, export_personal_data

    data = export_personal_data(owner)["gardens"]
    assert data["status_changes"][0]["to"] == "submitted"
    erase_personal_data(user=owner)
    assert not submitted.history.filter(by=owner).exists()
    assert GardenApplication.objects.filter(pk=submitted.pk).exists()


def test_the_season_form_refuses_an_iban_with_a_wrong_checksum(centre):
    from gardens.admin import SeasonForm

    data = {"centre": centre.pk, "year": 2028, "summer_start": "2028-03-15", "summer_end": "2028-11-15",
            "is_open": "on", "bank_account": "PL61 1090 1014 0000 0712 1981 2875"}
    form = SeasonForm(data)
    assert not form.is_valid() and "bank_account" in form.errors
    data["bank_account"] = "PL61 1090 1014 0000 0712 1981 2874"
    form = SeasonForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["bank_account"] == "PL61109010140000071219812874"
