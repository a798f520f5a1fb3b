import pytest
from django.core.exceptions import ValidationError

from centres.validators import normalise_nip, validate_nip


@pytest.mark.parametrize("nip", ["5260250274", "7740001454", "1234563218"])
def test_valid_nip_is_accepted(nip):
    validate_nip(nip)


@pytest.mark.parametrize("nip", ["5260250275", "123456789", "12345678901", "abcdefghij", ""])
def test_invalid_nip_is_refused(nip):
    with pytest.raises(ValidationError):
        validate_nip(nip)


def test_nip_is_normalised_from_what_people_type():
    assert normalise_nip("PL 526-025-02-74") == "5260250274"


@pytest.mark.django_db
def test_an_invalid_nip_is_answered_with_the_code_the_readme_promises(centre, zone, staff):
    from tests.conftest import client_for

    response = client_for(staff).post("/api/v1/businesses/", {"centre": centre.pk, "name": "Kawiarnia",
                                                               "nip": "5260250275", "zone": zone.pk}, format="json")
    assert response.status_code == 400
    assert ("nip", "invalid_nip") in [(e["attr"], e["code"]) for e in response.json()["errors"]]


def test_the_validator_refuses_with_code_invalid_nip():
    with pytest.raises(ValidationError) as refused:
        validate_nip("5260250275")
    assert refused.value.code == "invalid_nip"


@pytest.mark.django_db
def test_a_nip_already_registered_in_the_centre_is_refused_with_nip_taken(centre, zone):
    from centres import services
    from tests.factories import BusinessFactory

    taken = BusinessFactory(centre=centre, zone=zone)
    with pytest.raises(ValidationError) as refused:
        services.create_business(centre=centre, name="Druga", nip=taken.nip, street=taken.street, zone=zone,
                                 building_number="1", category=taken.category, email="druga@example.org")
    assert [e.code for e in refused.value.error_dict["nip"]] == ["nip_taken"]
