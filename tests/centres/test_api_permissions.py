import pytest

from centres.models import Business
from tests.conftest import client_for
from tests.factories import BusinessFactory, StreetFactory


@pytest.fixture
def payload(centre, zone):
    street = StreetFactory(zone=zone, centre=centre)
    return {"centre": centre.slug, "name": "Nowa Kawiarnia", "nip": "526-025-02-74", "street": street.pk,
            "building_number": "3", "category": "cafe", "email": "nowa@example.org"}


def test_anonymous_can_read_but_not_write(api, business, payload):
    assert api.get("/api/v1/businesses/").status_code == 200
    assert api.get("/api/v1/centres/").status_code == 200
    response = api.post("/api/v1/businesses/", payload)
    assert response.status_code in (401, 403)
    assert api.post("/api/v1/fee-rates/", {}).status_code in (401, 403)
    assert not Business.objects.filter(name="Nowa Kawiarnia").exists()


def test_resident_cannot_write(resident, payload):
    assert client_for(resident).post("/api/v1/businesses/", payload).status_code == 403


def test_staff_creates_business_in_own_centre(staff, payload):
    response = client_for(staff).post("/api/v1/businesses/", payload)
    assert response.status_code == 201, response.json()
    assert response.json()["nip"] == "5260250274"


def test_staff_of_another_centre_cannot_create_or_change(other_staff, payload, business):
    client = client_for(other_staff)
    assert client.post("/api/v1/businesses/", payload).status_code == 403
    response = client.patch(f"/api/v1/businesses/{business.pk}/", {"name": "Hijacked"})
    assert response.status_code == 403
    business.refresh_from_db()
    assert business.name != "Hijacked"


def test_staff_of_another_centre_does_not_see_inactive_business(other_staff, staff, centre):
    hidden = BusinessFactory(centre=centre, is_active=False)
    assert client_for(other_staff).get(f"/api/v1/businesses/{hidden.pk}/").status_code == 404
    assert client_for(staff).get(f"/api/v1/businesses/{hidden.pk}/").status_code == 200


def test_bad_nip_gets_400_with_field_message(staff, payload):
    payload["nip"] = "5260250275"
    response = client_for(staff).post("/api/v1/businesses/", payload)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["attr"] == "nip"
    assert "NIP" in errors[0]["detail"]


def test_missing_fields_get_400_listing_each(staff):
    response = client_for(staff).post("/api/v1/businesses/", {"centre": "nope"})
    assert response.status_code == 400
    attrs = {e["attr"] for e in response.json()["errors"]}
    assert {"centre", "name", "nip", "street"} <= attrs


def test_duplicate_nip_in_centre_is_a_400(staff, payload, business):
    payload["nip"] = business.nip
    response = client_for(staff).post("/api/v1/businesses/", payload)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "nip"


def test_street_of_another_centre_is_refused(staff, payload, other_centre):
    payload["street"] = StreetFactory(centre=other_centre, zone__centre=other_centre).pk
    response = client_for(staff).post("/api/v1/businesses/", payload)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "street"


def test_business_list_is_fixed_queries(api, centre, django_assert_max_num_queries):
    BusinessFactory.create_batch(8, centre=centre)
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/businesses/?page_size=50")
    assert response.json()["count"] == 8


def test_unknown_object_is_404_in_the_error_format(api, db):
    response = api.get("/api/v1/businesses/999999/")
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_token_login_with_email(api, resident):
    from tests.factories import PASSWORD

    response = api.post("/api/v1/auth/token/", {"email": resident.email, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/centres/").status_code == 200
    assert api.post("/api/v1/auth/token/", {"email": resident.email, "password": "wrong"}).status_code == 400
