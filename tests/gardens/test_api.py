"""The gardens API: who sees what (owner, colleague, staff, outsider), the workflow actions, the fee quote."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from gardens.models import GardenApplication
from tests.conftest import client_for
from tests.factories import BusinessFactory, MembershipFactory, UserFactory
from tests.gardens.factories import (
    ApplicationFactory,
    RuleFactory,
    SeasonFactory,
    TierFactory,
    photo_evidence,
    png_upload,
    rate,
    ready_application,
)

BASE = "/api/v1/gardens/applications/"


@pytest.fixture
def application(business):
    return ready_application(business=business, declared_planters=True)


def test_owner_and_manager_see_their_applications_outsider_gets_404(application, owner, business):
    manager = MembershipFactory(business=business, role="manager").user
    for user in (owner, manager):
        assert client_for(user).get(f"{BASE}{application.pk}/").status_code == 200
        assert [r["id"] for r in client_for(user).get(BASE).json()["results"]] == [application.pk]
    till = MembershipFactory(business=business, role="till").user
    for user in (till, UserFactory()):
        assert client_for(user).get(f"{BASE}{application.pk}/").status_code == 404
        assert client_for(user).get(BASE).json()["results"] == []


def test_owner_of_business_a_does_not_see_business_b(application, centre):
    other_owner = MembershipFactory(business=BusinessFactory(centre=centre)).user
    assert client_for(other_owner).get(f"{BASE}{application.pk}/").status_code == 404
    assert client_for(other_owner).post(f"{BASE}{application.pk}/withdraw/").status_code == 404


def test_staff_see_their_centre_only(application, staff, other_staff):
    assert client_for(staff).get(f"{BASE}{application.pk}/").status_code == 200
    assert client_for(other_staff).get(f"{BASE}{application.pk}/").status_code == 404


def test_anonymous_gets_401(api, application):
    assert api.get(BASE).status_code == 401


def test_the_workflow_through_the_api(application, owner, staff):
    owner_api, staff_api = client_for(owner), client_for(staff)
    assert owner_api.post(f"{BASE}{application.pk}/submit/").json()["status"] == "submitted"
    response = staff_api.post(f"{BASE}{application.pk}/approve/", {
        "confirmed_greenery": ["planters"], "greenery_evidence": photo_evidence(application, ["planters"])})
    assert response.status_code == 200, response.json()
    assert response.json()["permit_number"].endswith("/OG/2027/0001")
    assert response.json()["confirmed_greenery"] == ["planters"]
    history = owner_api.get(f"{BASE}{application.pk}/history/").json()
    assert [h["to_status"] for h in history["results"]] == ["submitted", "approved"]


def test_owner_calling_a_staff_action_gets_403(application, owner):
    client_for(owner).post(f"{BASE}{application.pk}/submit/")
    response = client_for(owner).post(f"{BASE}{application.pk}/approve/", {"confirmed_greenery": []})
    assert response.status_code == 403


def test_a_refused_move_is_a_400_with_a_clear_message(application, staff):
    response = client_for(staff).post(f"{BASE}{application.pk}/approve/", {"confirmed_greenery": []})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["errors"][0]["attr"] == "status"


def test_reject_without_a_note_is_a_400(application, owner, staff):
    client_for(owner).post(f"{BASE}{application.pk}/submit/")
    response = client_for(staff).post(f"{BASE}{application.pk}/reject/", {"note": ""})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "note"


def test_owner_creates_and_edits_a_draft(business, owner, zone, centre):
    season = SeasonFactory(centre=centre, year=2027)
    rule = RuleFactory(season=season)
    rate(zone, "4.00")
    payload = {"business": business.pk, "season": season.pk, "zone": zone.pk, "address": "Szeroka 21",
               "area_m2": "12.00", "length_m": "4.00", "width_m": "3.00", "period_start": "2027-05-01",
               "period_end": "2027-05-10", "pedestrian_width_m": "1.80", "greenery": ["planters", "hanging"],
               "declarations": [{"rule": rule.pk, "complies": True, "comment": ""}]}
    response = client_for(owner).post(BASE, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["fee_total"] == "480.00"
    assert body["greenery"] == ["hanging", "planters"]
    response = client_for(owner).patch(f"{BASE}{body['id']}/", {"area_m2": "13.00", "width_m": "3.25"},
                                       format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["fee_total"] == "520.00"


def test_applying_for_a_business_one_does_not_manage_is_a_400(business, zone, centre):
    season = SeasonFactory(centre=centre, year=2027)
    stranger = UserFactory()
    response = client_for(stranger).post(BASE, {"business": business.pk, "season": season.pk, "address": "x",
                                                "area_m2": "1", "length_m": "1", "width_m": "1",
                                                "period_start": "2027-05-01", "period_end": "2027-05-02",
                                                "pedestrian_width_m": "2"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "business"


def test_mismatched_dimensions_are_a_400_on_the_area(business, owner, zone, centre):
    season = SeasonFactory(centre=centre, year=2027)
    rate(zone)
    response = client_for(owner).post(BASE, {"business": business.pk, "season": season.pk, "address": "Szeroka 2",
                                             "area_m2": "30", "length_m": "4", "width_m": "3",
                                             "period_start": "2027-05-01", "period_end": "2027-05-02",
                                             "pedestrian_width_m": "2"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "area_m2"


def test_staff_cannot_edit_an_owners_draft(application, staff):
    response = client_for(staff).patch(f"{BASE}{application.pk}/", {"address": "Inny 1"}, format="json")
    assert response.status_code == 403


def test_upload_through_the_api_refuses_a_non_image(application, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = client_for(owner)
    ok = api.post(f"{BASE}{application.pk}/attachments/", {"kind": "photo", "file": png_upload()},
                  format="multipart")
    assert ok.status_code == 201
    bad = api.post(f"{BASE}{application.pk}/attachments/",
                   {"kind": "photo", "file": SimpleUploadedFile("a.png", b"not an image at all")},
                   format="multipart")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "file"


def test_detail_flags_conflicts_to_staff_only(application, owner, staff):
    other = ApplicationFactory(business=application.business, season=application.season,
                               address=application.address, status="submitted")
    assert client_for(staff).get(f"{BASE}{application.pk}/").json()["conflicts"] == [other.pk]
    assert client_for(owner).get(f"{BASE}{application.pk}/").json()["conflicts"] == []


def test_application_list_queries_do_not_grow(business, owner, django_assert_max_num_queries):
    for _ in range(3):
        ApplicationFactory(business=business)
    api = client_for(owner)
    with django_assert_max_num_queries(6):
        api.get(BASE)
    for _ in range(10):
        ApplicationFactory(business=business)
    with django_assert_max_num_queries(6):
        assert len(api.get(BASE).json()["results"]) == 13


def test_fee_quote_get_and_post(zone, centre, api):
    season = SeasonFactory(centre=centre, year=2027)
    TierFactory(season=season, min_kinds=3, percent=Decimal("30"))
    rate(zone, "4.00", valid_to=dt.date(2027, 6, 15))
    rate(zone, "5.00", valid_from=dt.date(2027, 6, 16))
    query = (f"/api/v1/gardens/fee-quote/?zone={zone.pk}&area_m2=10&start=2027-06-10&end=2027-06-20"
             "&greenery=tall_plants&greenery=planters&greenery=hanging")
    body = api.get(query).json()
    assert body["gross"] == "490.00"
    assert body["discount_percent"] == "30.00"
    assert body["total"] == "343.00"
    assert len(body["periods"]) == 2
    posted = api.post("/api/v1/gardens/fee-quote/", {"zone": zone.pk, "area_m2": "10", "start": "2027-06-10",
                                                     "end": "2027-06-20"}, format="json").json()
    assert posted["total"] == "490.00"


@pytest.mark.parametrize("query", ["", "?zone=abc&area_m2=1&start=2027-06-01&end=2027-06-02",
                                   "?zone=1&area_m2=-1&start=2027-06-01&end=2027-06-02",
                                   "?zone=1&area_m2=1&start=bad&end=2027-06-02",
                                   "?zone={zone}&area_m2=1&start=2027-06-01&end=2027-06-02&greenery=moss"])
def test_fee_quote_bad_input_is_a_400(zone, api, query):
    assert api.get("/api/v1/gardens/fee-quote/" + query.format(zone=zone.pk)).status_code == 400


def test_fee_quote_without_a_rate_is_a_400(zone, centre, api):
    SeasonFactory(centre=centre, year=2027)
    response = api.get(f"/api/v1/gardens/fee-quote/?zone={zone.pk}&area_m2=1&start=2027-06-01&end=2027-06-02")
    assert response.status_code == 400
    assert "No café-garden rate" in response.json()["errors"][0]["detail"]


def test_public_register_lists_current_permits_without_personal_data(application, owner, staff, api):
    with __import__("time_machine").travel(dt.datetime(2027, 5, 1, 12, 0)):
        client_for(owner).post(f"{BASE}{application.pk}/submit/")
        client_for(staff).post(f"{BASE}{application.pk}/approve/", {"confirmed_greenery": []})
        ApplicationFactory(business=application.business)  # a draft is not in the register
        rows = api.get("/api/v1/gardens/permits/").json()["results"]
    assert [r["permit_number"] for r in rows] == [GardenApplication.objects.get(pk=application.pk).permit_number]
    assert set(rows[0]) == {"permit_number", "business", "street", "address", "zone", "area_m2", "area_display",
                            "period_start", "period_start_display", "period_end", "period_end_display", "year"}


def test_seasons_and_rules_are_public(api, centre):
    season = SeasonFactory(centre=centre, year=2027)
    RuleFactory(season=season, code="bez-plandek")
    assert api.get(f"/api/v1/gardens/seasons/?centre={centre.slug}").json()["results"][0]["year"] == 2027
    assert api.get("/api/v1/gardens/rules/?year=2027").json()["results"][0]["code"] == "bez-plandek"
    assert api.get("/api/v1/gardens/rules/?year=abc").status_code == 400


def test_inspections_are_for_staff_of_the_centre(application, owner, staff, other_staff):
    from gardens import services

    rule = RuleFactory(season=application.season)
    application.declarations.create(rule=rule, complies=True)
    services.transition(application=application, to="submitted", by=owner)
    services.transition(application=application, to="approved", by=staff, confirmed_greenery=[])
    payload = {"application": application.pk, "inspected_on": "2020-01-01", "note": "Kontrola czerwcowa",
               "results": [{"rule": rule.pk, "kept": False, "note": "plandeka"}]}
    with time_machine.travel(dt.datetime(2027, 6, 10, 12, 0)):
        before_the_period = client_for(staff).post("/api/v1/gardens/inspections/", payload, format="json")
        assert before_the_period.status_code == 400
        assert before_the_period.json()["errors"][0]["code"] == "inspection_date"
        payload["inspected_on"] = "2027-06-10"
        assert client_for(other_staff).post("/api/v1/gardens/inspections/", payload,
                                            format="json").status_code == 400
        assert client_for(owner).post("/api/v1/gardens/inspections/", payload, format="json").status_code == 400
        response = client_for(staff).post("/api/v1/gardens/inspections/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert client_for(staff).get("/api/v1/gardens/inspections/").json()["results"][0]["results"][0]["kept"] is False
    assert client_for(other_staff).get("/api/v1/gardens/inspections/").json()["results"] == []
    assert client_for(owner).get("/api/v1/gardens/inspections/").json()["results"] == []


def test_a_patch_with_a_declaration_naming_no_rule_is_a_400_on_that_rule(business, owner, zone, centre):
    """Schemathesis found a 500: PATCH makes nested fields optional, so a declaration without its rule reached the
    view. The error names the item's field, and nothing stored changes."""
    season = SeasonFactory(centre=centre, year=2027)
    rule = RuleFactory(season=season)
    rate(zone, "4.00")
    payload = {"business": business.pk, "season": season.pk, "zone": zone.pk, "address": "Szeroka 21",
               "area_m2": "12.00", "length_m": "4.00", "width_m": "3.00", "period_start": "2027-05-01",
               "period_end": "2027-05-10", "pedestrian_width_m": "1.80",
               "declarations": [{"rule": rule.pk, "complies": True, "comment": ""}]}
    created = client_for(owner).post(BASE, payload, format="json").json()
    response = client_for(owner).patch(f"{BASE}{created['id']}/", {"declarations": [{"complies": False}]},
                                       format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {"code": "required", "detail": response.json()["errors"][0]["detail"], "attr": "declarations.0.rule"}]
    after = client_for(owner).get(f"{BASE}{created['id']}/").json()
    assert after["application"]["fee_total"] == created["fee_total"]
