"""Card numbers (Luhn check digit) and the signed QR token of a card."""

from __future__ import annotations

import re
import secrets

from django.core import signing
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

TOKEN_SALT = "loyalty.moja-starowka.card-token"
SERIAL_DIGITS = 9  # plus one check digit: ten digits in all
NUMBER_LENGTH = SERIAL_DIGITS + 1
_SEPARATORS = re.compile(r"[\s\-]+")


def number_for(serial: int) -> str:
    """The card number of a serial: the zero-padded serial followed by its Luhn check digit."""
    body = f"{serial:0{SERIAL_DIGITS}d}"
    return body + luhn.calc_check_digit(body)


def normalise_number(raw: str) -> str:
    """Digits only (people type spaces and dashes between the groups)."""
    return _SEPARATORS.sub("", raw or "")


def number_is_well_formed(number: str) -> bool:
    """True when the number has the right length and its check digit fits: a typo is caught before a look-up."""
    if len(number) != NUMBER_LENGTH or not number.isdigit():
        return False
    try:
        luhn.validate(number)
    except StdnumError:
        return False
    return True


def new_secret() -> str:
    return secrets.token_urlsafe(12)


def make_token(*, card_id: int, secret: str) -> str:
    """The string in the card's QR code: the card id and its secret, signed, so a number alone is no card."""
    return signing.dumps({"c": card_id, "s": secret}, salt=TOKEN_SALT, compress=False)


def read_token(token: str) -> tuple[int, str] | None:
    """(card id, secret) from a genuine token; None for anything forged, truncated or garbled."""
    try:
        data = signing.loads(token.strip(), salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("s"), str):
        return None
    return data["c"], data["s"]


def looks_like_token(value: str) -> bool:
    """A token has a signature separator; a typed number has only digits, spaces and dashes."""
    return ":" in (value or "")
