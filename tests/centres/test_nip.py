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
