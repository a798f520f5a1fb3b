"""Card numbers and the signed QR token that proves a card *now*.

Numbers: ten digits, the last a Luhn check digit, drawn at random from the centre's number space (see
`services.allocate_number`); a number alone only says whether such a card is valid today.

Tokens: `MS1.<kid>.<payload>.<signature>`, base64url without padding. The payload is compact JSON
(`c` card id, `n` number, `h` holder's display name, `vf`/`vu` validity dates, `i` issued at, `e` expires at,
both Unix seconds) and the signature is Ed25519 over `MS1.<kid>.<payload>` with the centre's current key
(`SigningKey`). A till holding the public keys (GET /api/v1/loyalty/keys/) verifies a token offline.

Time is cut into steps of `step_seconds()` (a fifth of the window): a token is issued at the start of a step and
lives `window_seconds()` (settings.LOYALTY_TOKEN_WINDOW_SECONDS, 5 minutes by default). The 6-digit code printed
under the QR code is an HMAC of the card's secret and the token's issue time, so number + code is as good as the
QR code for a till without a camera; re-issue gives a new card (and secret), so older codes die with the card.

For scripts and the benchmark: `mint_for_card(card)` → `Minted(token, code, ...)`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

if TYPE_CHECKING:
    from .models import Card, SigningKey

PREFIX = "MS1"
SERIAL_DIGITS = 9  # plus one check digit: ten digits in all
NUMBER_LENGTH = SERIAL_DIGITS + 1
CODE_DIGITS = 6
CLOCK_SKEW_SECONDS = 30  # a token "issued" this far in the future (another clock) is still taken
KEY_CACHE_SECONDS = 60  # how long a process trusts its copy of the keys table
_SEPARATORS = re.compile(r"[\s\-]+")


# --- Numbers ------------------------------------------------------------------------------------------

def number_for(serial: int) -> str:
    """The card number of a body of nine digits: the zero-padded body followed by its Luhn check digit."""
    body = f"{serial:0{SERIAL_DIGITS}d}"
    return body + luhn.calc_check_digit(body)


def random_number() -> str:
    """A number drawn uniformly from the whole number space (the caller makes sure it was never issued)."""
    return number_for(secrets.randbelow(10**SERIAL_DIGITS - 1) + 1)


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


# --- Time windows -------------------------------------------------------------------------------------

def window_seconds() -> int:
    return max(2, int(getattr(settings, "LOYALTY_TOKEN_WINDOW_SECONDS", 300)))


def step_seconds() -> int:
    return max(1, window_seconds() // 5)


def issue_time(now: float | None = None) -> int:
    """The start of the current step: every token minted in one step is the same token."""
    now = time.time() if now is None else now
    return int(now) // step_seconds() * step_seconds()


def code_for(*, card_id: int, secret: str, issued_at: int) -> str:
    """The 6-digit code shown under the QR code of the token issued at `issued_at`."""
    digest = salted_hmac("loyalty.card-code", f"{card_id}:{secret}:{issued_at}", algorithm="sha256").digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def code_matches(*, card_id: int, secret: str, code: str, now: float | None = None) -> bool:
    """Whether `code` is the code of a token of this card that is alive now (a handful of candidate steps)."""
    code = (code or "").strip()
    if len(code) != CODE_DIGITS or not code.isdigit():
        return False
    now = time.time() if now is None else now
    newest = issue_time(now + CLOCK_SKEW_SECONDS)
    found = False
    issued = newest
    while issued + window_seconds() >= now:
        found |= constant_time_compare(code_for(card_id=card_id, secret=secret, issued_at=issued), code)
        issued -= step_seconds()
    return found


# --- Keys ---------------------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _fernets() -> list[Fernet]:
    """Private keys are encrypted with a key derived from SECRET_KEY (and tried with SECRET_KEY_FALLBACKS, so
    rotating SECRET_KEY keeps old keys readable until `rotate_signing_key` replaces them)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"loyalty.signing-key:{k}".encode()).digest()))
            for k in keys]


def _encrypt(private: Ed25519PrivateKey) -> str:
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    return _fernets()[0].encrypt(raw).decode("ascii")


def _decrypt(token: str) -> Ed25519PrivateKey:
    for fernet in _fernets():
        try:
            return Ed25519PrivateKey.from_private_bytes(fernet.decrypt(token.encode("ascii")))
        except InvalidToken:
            continue
    raise RuntimeError("a loyalty signing key cannot be decrypted with SECRET_KEY or its fallbacks")


@transaction.atomic
def create_signing_key(*, centre_id: int) -> SigningKey:
    """A new current key for the centre; the previous one is retired now (its tokens live until they expire)."""
    from .models import SigningKey

    now = timezone.now()
    SigningKey.objects.select_for_update().filter(centre_id=centre_id, retired_at__isnull=True).update(retired_at=now)
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = SigningKey.objects.create(centre_id=centre_id, kid=f"{centre_id}-{secrets.token_hex(6)}",
                                    public_key=_b64(public), private_key_encrypted=_encrypt(private))
    forget_keys()
    return key


_cache: dict[str, tuple[float, object]] = {}


def forget_keys() -> None:
    """Drop this process's copy of the keys (after a rotation; tests)."""
    _cache.clear()


def _signing_key(centre_id: int) -> tuple[str, Ed25519PrivateKey]:
    """The centre's current key (made on first use), cached in the process for KEY_CACHE_SECONDS."""
    from .models import SigningKey

    entry = _cache.get(f"sign:{centre_id}")
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    key = SigningKey.objects.filter(centre_id=centre_id, retired_at__isnull=True).first()
    if key is None:
        key = create_signing_key(centre_id=centre_id)
    value = (key.kid, _decrypt(key.private_key_encrypted))
    _cache[f"sign:{centre_id}"] = (time.monotonic() + KEY_CACHE_SECONDS, value)
    return value


@dataclass(frozen=True)
class PublicKey:
    kid: str
    centre_id: int
    key: Ed25519PublicKey
    retired_at: float | None  # Unix seconds


def public_key(kid: str) -> PublicKey | None:
    """A key by id (current or retired), cached; an unknown id is looked up again each time (one query)."""
    from .models import SigningKey

    entry = _cache.get(f"verify:{kid}")
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    row = SigningKey.objects.filter(kid=kid).first()
    if row is None:
        return None
    value = PublicKey(kid=row.kid, centre_id=row.centre_id, key=Ed25519PublicKey.from_public_bytes(_unb64(row.public_key)),
                      retired_at=row.retired_at.timestamp() if row.retired_at else None)
    _cache[f"verify:{kid}"] = (time.monotonic() + KEY_CACHE_SECONDS, value)
    return value


# --- Tokens -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Minted:
    """A token of a card with its code: what My card shows."""

    token: str
    code: str
    kid: str
    issued_at: int
    expires_at: int

    @property
    def refresh_at(self) -> int:
        """When My card fetches the next token: at the next step, well before this one runs out."""
        return self.issued_at + step_seconds()


def mint(*, card: Card, now: float | None = None) -> Minted:
    """Sign a token for the card (its centre's current key) and compute the code under the QR code."""
    kid, private = _signing_key(card.centre_id)
    issued = issue_time(now)
    expires = issued + window_seconds()
    claims = {"c": card.pk, "n": card.number, "h": card.holder_display,
              "vf": card.valid_from.isoformat() if card.valid_from else None,
              "vu": card.valid_until.isoformat() if card.valid_until else None, "i": issued, "e": expires}
    head = f"{PREFIX}.{kid}.{_b64(json.dumps(claims, separators=(',', ':'), ensure_ascii=False).encode())}"
    token = f"{head}.{_b64(private.sign(head.encode('ascii')))}"
    return Minted(token=token, code=code_for(card_id=card.pk, secret=card.secret, issued_at=issued), kid=kid,
                  issued_at=issued, expires_at=expires)


def mint_for_card(card: Card, *, now: float | None = None) -> Minted:
    """For scripts and the benchmark: a live token and its 6-digit code for `card` (a Card with its centre_id,
    pk, number, names, validity and secret loaded). POST /api/v1/loyalty/verify/ with
    `{"partner": id, "token": minted.token}` or `{"partner": id, "number": card.number, "code": minted.code}`."""
    return mint(card=card, now=now)


class TokenError(Exception):
    """Why a token is refused: `reason` is "token_invalid" (not ours, altered, unknown key) or "token_expired"."""

    def __init__(self, reason: str, claims: dict | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.claims = claims or {}


def looks_like_token(value: str) -> bool:
    return (value or "").strip().startswith(f"{PREFIX}.")


def read(token: str, *, now: float | None = None) -> dict:
    """The claims of a genuine, live token; TokenError otherwise. The key must be known; a retired key only
    vouches for tokens it signed before its retirement."""
    now = time.time() if now is None else now
    parts = (token or "").strip().split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise TokenError("token_invalid")
    _prefix, kid, payload, signature = parts
    key = public_key(kid)
    if key is None:
        raise TokenError("token_invalid")
    try:
        key.key.verify(_unb64(signature), f"{PREFIX}.{kid}.{payload}".encode("ascii"))
        claims = json.loads(_unb64(payload))
    except (InvalidSignature, ValueError, UnicodeError, TypeError):
        raise TokenError("token_invalid") from None
    if not isinstance(claims, dict) or not all(isinstance(claims.get(k), int) for k in ("c", "i", "e")):
        raise TokenError("token_invalid")
    claims["centre_id"] = key.centre_id
    if key.retired_at is not None and claims["i"] > key.retired_at:
        raise TokenError("token_invalid", claims)
    if claims["i"] > now + CLOCK_SKEW_SECONDS or claims["e"] - claims["i"] > window_seconds() + step_seconds():
        raise TokenError("token_invalid", claims)
    if now > claims["e"]:
        raise TokenError("token_expired", claims)
    return claims
