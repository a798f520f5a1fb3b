"""Stable error codes and the one way a service refuses.

Services raise Django's `ValidationError` (a refusal of input or of a move, answered 400) or `PermissionDenied`
(the actor may not act, answered 403). Every refusal carries a machine code from `Code`, so API clients branch
on `code` and people read `detail`. The API's exception handler (core/api_errors.py) turns both into the one
error shape of drf-standardized-errors; pages put them on forms with `core.forms.add_service_errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


class Code(StrEnum):
    """Every machine code a refusal may carry. Add one here before using it; never reuse one for another meaning."""

    # generic
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    OUT_OF_SCOPE = "out_of_scope"  # an object of another centre or business
    TOO_LARGE = "too_large"
    BAD_INPUT = "bad_input"  # NUL bytes, lone surrogates, too deep, integer out of range
    # workflows
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    NOTE_REQUIRED = "note_required"
    # uploads
    UPLOAD_EMPTY = "upload_empty"
    UPLOAD_TOO_LARGE = "upload_too_large"
    UPLOAD_TYPE = "upload_type"
    UPLOAD_DAMAGED = "upload_damaged"
    IMAGE_TOO_LARGE = "image_too_large"
    # centres
    INVALID_NIP = "invalid_nip"
    RATE_OVERLAP = "rate_overlap"
    DATE_ORDER = "date_order"
    NIP_TAKEN = "nip_taken"  # another business of the centre has this NIP
    SLUG_TAKEN = "slug_taken"
    # loyalty
    CARD_NOT_VALID = "card_not_valid"
    CARD_UNKNOWN = "card_unknown"
    CARD_EXISTS = "card_exists"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_INVALID = "token_invalid"
    CODE_INVALID = "code_invalid"
    PERK_NOT_AVAILABLE = "perk_not_available"
    PERK_LIMIT_REACHED = "perk_limit_reached"
    TERMS_NOT_ACCEPTED = "terms_not_accepted"
    TERMS_CHANGED = "terms_changed"  # a new version was published while the resident read the old one
    NUMBER_MISTYPED = "number_mistyped"  # wrong length or check digit: a typo, not a look-up
    CARD_MISSING = "card_missing"  # neither a token nor a number was given
    VALIDITY_ENDED = "validity_ended"  # lifting a suspension of a card whose period is over: renew instead
    CHECK_TIME_INVALID = "check_time_invalid"  # an offline check dated in the future or too long ago
    # gardens
    RULE_BREACHED = "rule_breached"
    DECLARATION_MISSING = "declaration_missing"
    SITE_PLAN_MISSING = "site_plan_missing"
    ZONE_LIMIT = "zone_limit"
    OUTSIDE_SEASON = "outside_season"
    PLACE_TAKEN = "place_taken"
    GREENERY_NOT_DECLARED = "greenery_not_declared"
    INSPECTION_DATE = "inspection_date"
    INVALID_IBAN = "invalid_iban"
    PAYMENT_DUPLICATE = "payment_duplicate"
    GREENERY_NO_EVIDENCE = "greenery_no_evidence"  # confirming greenery needs a photo
    GREENERY_EVIDENCE_FOREIGN = "greenery_evidence_foreign"  # the photo is not one of this application's
    OUTLINE_INVALID = "outline_invalid"
    STATEMENT_INVALID = "statement_invalid"  # a bank statement that cannot be read
    # contests
    VOTE_REPEATED = "vote_repeated"
    VOTING_CLOSED = "voting_closed"
    ENTRY_NOT_ELIGIBLE = "entry_not_eligible"
    NOT_ELIGIBLE_VOTER = "not_eligible_voter"
    ROUND_FROZEN = "round_frozen"
    RESULTS_PUBLISHED = "results_published"
    RESULTS_INCOMPLETE = "results_incomplete"
    BATCH_REPEATED = "batch_repeated"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    ENTRIES_CLOSED = "entries_closed"
    REVIEW_CLOSED = "review_closed"
    NOMINATION_REPEATED = "nomination_repeated"
    SCORE_REPEATED = "score_repeated"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    ALREADY_VOID = "already_void"
    PROTOCOL_MISMATCH = "protocol_mismatch"
    ROUND_NOT_ENDED = "round_not_ended"
    TOO_MANY_IMAGES = "too_many_images"
    NOT_PUBLISHED = "not_published"
    # murals
    WALL_TAKEN = "wall_taken"
    WALL_NO_CONTEST = "wall_no_contest"
    NOT_WINNING_ENTRY = "not_winning_entry"
    MURAL_EXISTS = "mural_exists"
    TRAIL_PLACE_TAKEN = "trail_place_taken"
    # office (imports and exports)
    IMPORT_FORMAT = "import_format"  # not a CSV or XLSX file
    IMPORT_UNREADABLE = "import_unreadable"  # not UTF-8, damaged, or empty
    IMPORT_NOT_ALLOWED = "import_not_allowed"  # a dataset this person may not import
    IMPORT_NOT_READY = "import_not_ready"  # confirmed before its check passed, or twice


def refusal(field: str, message: Any, code: Code | str) -> ValidationError:
    """A ValidationError naming one field, with its code: `raise refusal("status", _("..."), Code.X)`."""
    return ValidationError({field: ValidationError(message, code=str(code))})


def refuse(errors: Mapping[str, tuple[Any, Code | str]]) -> None:
    """Raise one ValidationError naming every field in `errors` ({field: (message, code)}), if any."""
    if errors:
        raise ValidationError({field: ValidationError(message, code=str(code))
                               for field, (message, code) in errors.items()})


def deny(message: Any = "") -> PermissionDenied:
    """`raise deny(_("..."))`: the actor may not do this (403)."""
    return PermissionDenied(message)
