"""Validators for Polish identifiers, built on python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip as stdnum_nip

from core.errors import Code


def normalise_nip(value: str) -> str:
    """NIP as ten digits, without the dashes, spaces or 'PL' prefix people type."""
    return stdnum_nip.compact(value or "")


def validate_nip(value: str) -> None:
    """A NIP (Polish tax number) must have ten digits and a valid checksum."""
    try:
        stdnum_nip.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("%(value)s is not a valid NIP: it needs ten digits with a correct check digit."),
            code=str(Code.INVALID_NIP),
            params={"value": value},
        ) from exc
