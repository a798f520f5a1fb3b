"""Writes of the loyalty programme: applications, the card workflow, partners, perks and the till check."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centres.models import Business, BusinessMembership, Centre, User
from centres.selectors import is_staff_of, membership_role
from core.cache import cached_value
from core.dates import today
from core.errors import Code, deny, refusal, refuse
from core.rows import (
    ASYNCHRONOUS_COMMIT,
    columns_of,
    insert_row,
    insert_values,
    instance_of,
    one_row,
    prepared_cursor,
    read_checking_connection,
)
from core.workflow import Move, Workflow

from . import tokens
from .models import Card, CardEvent, Check, IssuedNumber, Partner, Perk, SuspectedEnumeration
from .selectors import current_terms, programme_settings

Status = Card.Status


# --- Numbers ------------------------------------------------------------------------------------------

def allocate_number(*, centre: Centre) -> str:
    """A number never given out in the centre, drawn at random from its number space: nothing about it tells how
    many cards exist. The ledger row (unique per centre) makes a number given once never given again."""
    for _attempt in range(50):
        number = tokens.random_number()
        try:
            with transaction.atomic():
                IssuedNumber.objects.create(centre=centre, number=number)
        except IntegrityError:
            continue
        if not Card.objects.filter(centre=centre, number=number).exists():  # cards from before the ledger
            return number
    raise RuntimeError("no free card number found in 50 draws")  # the space has a billion numbers


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validity_from(*, centre: Centre, start: dt.date) -> dt.date:
    """The last valid day of a card that starts (or is renewed) on `start`: inclusive, so one day less."""
    return _add_years(start, programme_settings(centre).validity_years) - dt.timedelta(days=1)


# --- Applications -------------------------------------------------------------------------------------

@transaction.atomic
def apply_for_card(*, user: User, centre: Centre, first_name: str, last_name: str, address: str, postal_code: str,
                   city: str, email: str = "", accept_terms: bool, terms_version: str | None = None) -> Card:
    """A resident applies for a card. It is pending until the office confirms residence, unless the centre
    activates cards automatically. One live (pending, active or suspended) card per resident per centre.

    The consent records the version of the terms in force (`terms_version`, when given, is the one the resident
    read: if the office published another since, the application is refused so they read the new one)."""
    if not (user and user.is_authenticated and user.is_active):
        raise deny(_("Sign in to apply for a card."))
    errors: dict[str, tuple[str, Code]] = {}
    if not accept_terms:
        errors["accept_terms"] = (_("Accept the programme's terms to apply."), Code.TERMS_NOT_ACCEPTED)
    terms = current_terms(centre)
    if terms is not None and terms_version and terms_version != terms.version:
        errors["accept_terms"] = (_("The terms have changed since you opened the form: read the new version and "
                                    "accept it."), Code.TERMS_CHANGED)
    if Card.objects.filter(holder=user, centre=centre, status__in=[Status.PENDING, Status.ACTIVE,
                                                                    Status.SUSPENDED]).exists():
        errors["__all__"] = (_("You already have a card in this centre."), Code.CARD_EXISTS)
    card = Card(centre=centre, holder=user, number="0" * tokens.NUMBER_LENGTH, secret=tokens.new_secret(),
                first_name=first_name.strip(), last_name=last_name.strip(), address=address.strip(),
                postal_code=postal_code.strip(), city=city.strip(), email=(email or user.email).strip().lower(),
                terms_accepted_at=timezone.now() if accept_terms else None, terms=terms if accept_terms else None)
    field_errors: dict = {}
    try:
        card.full_clean(exclude=["number", "secret", "terms"], validate_constraints=False)
    except ValidationError as exc:
        field_errors = exc.error_dict
    if errors or field_errors:
        raise ValidationError({**field_errors, **{name: ValidationError(message, code=str(code))
                                                  for name, (message, code) in errors.items()}})
    card.number = allocate_number(centre=centre)
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError:  # a second application at the same moment: the partial unique constraint decides
        raise refusal("__all__", _("You already have a card in this centre."), Code.CARD_EXISTS) from None
    CardEvent.objects.create(card=card, from_status="", to_status=Status.PENDING, by=user, note=_("Application"))
    if programme_settings(centre).auto_activate:
        activate_card(card=card, by=None, note=_("Activated automatically"))
    return card


# --- The workflow -------------------------------------------------------------------------------------

def _office(user: User | None, card: Card) -> bool:
    """Office staff of the card's centre."""
    return user is not None and is_staff_of(user, card.centre_id)


def _office_or_system(user: User | None, card: Card) -> bool:
    """The office, or the portal itself (by=None: the daily job, automatic activation, an account's erasure)."""
    return user is None or _office(user, card)


# ACTIVE → ACTIVE and EXPIRED → ACTIVE are renewals (a new validity period).
CARD_WORKFLOW = Workflow(
    model=Card, history=CardEvent, subject_field="card",
    actors={"office": _office, "office_or_system": _office_or_system},
    moves=[
        Move(Status.PENDING, Status.ACTIVE, "office_or_system"),
        Move(Status.PENDING, Status.REVOKED, "office_or_system"),
        Move(Status.ACTIVE, Status.ACTIVE, "office"),
        Move(Status.ACTIVE, Status.SUSPENDED, "office"),
        Move(Status.ACTIVE, Status.EXPIRED, "office_or_system"),
        Move(Status.ACTIVE, Status.REVOKED, "office_or_system"),
        Move(Status.SUSPENDED, Status.ACTIVE, "office"),
        Move(Status.SUSPENDED, Status.EXPIRED, "office_or_system"),
        Move(Status.SUSPENDED, Status.REVOKED, "office_or_system"),
        Move(Status.EXPIRED, Status.ACTIVE, "office"),
        Move(Status.EXPIRED, Status.REVOKED, "office_or_system"),
    ],
)


def _only_from(*allowed: str):
    """A named action (activate, renew, suspend…) takes only some of the moves to its target."""

    def guard(card: Card) -> None:
        if card.status not in allowed:
            raise refusal("status", _("This action needs a card that is %(allowed)s; this one is %(current)s.")
                          % {"allowed": _(" or ").join(str(Status(s).label) for s in allowed),
                             "current": Status(card.status).label}, Code.TRANSITION_NOT_ALLOWED)

    return guard


def _move(card: Card, *, to: str, by: User | None, note: str = "", only_from: tuple[str, ...] | None = None,
          guard=None) -> Card:
    """Make a named action's move through the card workflow: the table and the actor first, then the action's own
    starting statuses and guard, then the dates a (re)activation sets."""
    day = today()
    state = {"first_activation": False}

    def check(locked: Card) -> None:
        if only_from is not None:
            _only_from(*only_from)(locked)
        if guard is not None:
            guard(locked)

    def apply(locked: Card) -> None:
        now = timezone.now()
        if to == Status.ACTIVE and locked.status in (Status.PENDING, Status.EXPIRED, Status.ACTIVE):
            start = day
            if locked.status == Status.ACTIVE and locked.valid_until and locked.valid_until >= day:
                start = locked.valid_until + dt.timedelta(days=1)
            else:
                locked.valid_from = day
            locked.valid_until = validity_from(centre=locked.centre, start=start)
            if locked.activated_at is None:
                locked.activated_at = now
                state["first_activation"] = True
        locked.status_changed_at = now

    def after(locked: Card, _entry) -> None:
        if state["first_activation"]:
            from .tasks import send_activation_email

            send_activation_email.delay(locked.pk)

    CARD_WORKFLOW.move(obj=card, to=to, by=by, note=note, guard=check, apply=apply, on_commit=after,
                       select_related=("centre",))
    return card


def _not_past_validity(card: Card) -> None:
    if card.status == Status.SUSPENDED and card.valid_until and card.valid_until < today():
        raise refusal("status", _("The card's validity has ended: renew it instead."), Code.VALIDITY_ENDED)


@transaction.atomic
def activate_card(*, card: Card, by: User | None, note: str = "") -> Card:
    """The office confirmed residence (or lifts a suspension)."""
    return _move(card, to=Status.ACTIVE, by=by, note=note, only_from=(Status.PENDING, Status.SUSPENDED),
                 guard=_not_past_validity)


@transaction.atomic
def renew_card(*, card: Card, by: User | None, note: str = "") -> Card:
    """A new validity period for an active or expired card."""
    return _move(card, to=Status.ACTIVE, by=by, note=note or _("Renewal"), only_from=(Status.ACTIVE, Status.EXPIRED))


@transaction.atomic
def suspend_card(*, card: Card, by: User | None, note: str = "") -> Card:
    return _move(card, to=Status.SUSPENDED, by=by, note=note, only_from=(Status.ACTIVE,))


@transaction.atomic
def revoke_card(*, card: Card, by: User | None, note: str = "") -> Card:
    """Revoked for good: every token of the card is refused from now on (and offline tills learn it from the
    revocation list)."""
    return _move(card, to=Status.REVOKED, by=by, note=note)


@transaction.atomic
def expire_card(*, card: Card, by: User | None = None) -> Card:
    return _move(card, to=Status.EXPIRED, by=by, note=_("Validity ended"),
                 only_from=(Status.ACTIVE, Status.SUSPENDED))


@transaction.atomic
def reissue_card(*, card: Card, by: User | None, note: str = "") -> Card:
    """A lost or stolen card: revoke it and issue a new number (and a new secret, so new codes) for the same
    holder, with the same validity. The new card points to the old one; limits count the holder's uses on both."""
    previous = Card.objects.filter(pk=card.pk).values_list("status", flat=True).first()
    if previous not in (Status.PENDING, Status.ACTIVE, Status.SUSPENDED):
        raise refusal("status", _("Only a pending, active or suspended card can be re-issued; "
                                  "renew an expired card instead."), Code.TRANSITION_NOT_ALLOWED)
    old = revoke_card(card=card, by=by, note=note or _("Lost card: re-issued"))
    replacement = Card.objects.create(
        centre=old.centre, holder=old.holder, number=allocate_number(centre=old.centre), secret=tokens.new_secret(),
        status=previous, first_name=old.first_name,
        last_name=old.last_name, address=old.address, postal_code=old.postal_code, city=old.city, email=old.email,
        terms_accepted_at=old.terms_accepted_at, terms=old.terms, valid_from=old.valid_from,
        valid_until=old.valid_until, replaces=old, activated_at=old.activated_at, status_changed_at=timezone.now())
    CardEvent.objects.create(card=replacement, from_status="", to_status=replacement.status,
                             by=by if by is not None and by.is_authenticated else None,
                             note=_("Re-issued in place of %(number)s") % {"number": old.formatted_number})
    return replacement


def card_code(*, user: User, card: Card) -> tokens.Minted:
    """The live QR token and code of the holder's own active card (My card fetches it as the window passes)."""
    if card.holder_id != user.pk:
        raise deny(_("Only the card's holder sees its code."))
    if not card.is_valid_on(today()):
        raise refusal("status", _("The card is not valid: it has no code."), Code.CARD_NOT_VALID)
    return tokens.mint(card=card)


# --- Partners and perks -------------------------------------------------------------------------------

@transaction.atomic
def enrol_partner(*, business: Business, agreement_start: dt.date, agreement_end: dt.date | None = None,
                  is_active: bool = True, description_pl: str = "", description_en: str = "") -> Partner:
    """The office enrols a business of its centre as a partner."""
    partner = Partner(centre_id=business.centre_id, business=business, agreement_start=agreement_start,
                      agreement_end=agreement_end, is_active=is_active, description_pl=description_pl,
                      description_en=description_en)
    validate_partner(partner)
    partner.save()
    return partner


def validate_partner(partner: Partner) -> None:
    partner.full_clean(validate_unique=False, validate_constraints=False)
    errors: dict[str, tuple[str, Code]] = {}
    if partner.business.centre_id != partner.centre_id:
        errors["business"] = (_("The business is not in this centre."), Code.OUT_OF_SCOPE)
    if Partner.objects.filter(business_id=partner.business_id).exclude(pk=partner.pk).exists():
        errors["business"] = (_("This business is already a partner."), Code.INVALID)
    if partner.agreement_end and partner.agreement_end < partner.agreement_start:
        errors["agreement_end"] = (_("The agreement cannot end before it starts."), Code.DATE_ORDER)
    refuse(errors)


PERK_FIELDS = ("title_pl", "title_en", "description_pl", "description_en", "kind", "value", "conditions_pl",
               "conditions_en", "valid_from", "valid_until", "weekdays", "daily_limit_per_card", "monthly_limit", "is_active")


def validate_perk(perk: Perk) -> None:
    """Field rules plus the value each kind needs and ordered dates, with messages on the fields concerned."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        perk.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = {name: list(found) for name, found in exc.error_dict.items()}

    def add(name: str, message: str, code: Code) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=str(code)))

    value = perk.value
    if perk.kind == Perk.Kind.PERCENT and (value is None or not Decimal("1") <= value <= Decimal("100")):
        add("value", _("A percentage must be from 1 to 100."), Code.INVALID)
    elif perk.kind == Perk.Kind.AMOUNT and (value is None or value <= 0):
        add("value", _("An amount must be more than 0 PLN."), Code.INVALID)
    elif perk.kind in (Perk.Kind.FREE_ITEM, Perk.Kind.OTHER) and value is not None:
        add("value", _("This kind of perk takes no value."), Code.INVALID)
    if perk.valid_from and perk.valid_until and perk.valid_until < perk.valid_from:
        add("valid_until", _("The end date must not be before the start date."), Code.DATE_ORDER)
    if perk.weekdays is not None and not 1 <= perk.weekdays <= Perk.ALL_DAYS:
        add("weekdays", _("Choose at least one day of the week."), Code.REQUIRED)
    if errors:
        raise ValidationError(errors)


def may_manage_perks(*, user: User, partner: Partner) -> bool:
    """The partner's owner or manager, or office staff of its centre."""
    return (is_staff_of(user, partner.centre_id)
            or membership_role(user, partner.business_id) in BusinessMembership.MANAGING_ROLES)


@transaction.atomic
def create_perk(*, partner: Partner, by: User, **fields) -> Perk:
    if not may_manage_perks(user=by, partner=partner):
        raise deny(_("Only the partner's owner or manager may manage its perks."))
    unknown = set(fields) - set(PERK_FIELDS)
    if unknown:
        raise TypeError(f"unknown perk fields: {sorted(unknown)}")
    perk = Perk(partner=partner, **fields)
    if not perk.title_en:
        perk.title_en = ""
    validate_perk(perk)
    perk.save()
    return perk


@transaction.atomic
def update_perk(*, perk: Perk, by: User, **fields) -> Perk:
    if not may_manage_perks(user=by, partner=perk.partner):
        raise deny(_("Only the partner's owner or manager may manage its perks."))
    perk = Perk.objects.select_for_update().get(pk=perk.pk)
    for name, value in fields.items():
        if name not in PERK_FIELDS:
            raise TypeError(f"unknown perk field: {name}")
        setattr(perk, name, value)
    validate_perk(perk)
    perk.save()
    return perk


# --- Verification at the till (the hot path) ----------------------------------------------------------

REASONS = {
    Check.Result.VALID: gettext_lazy("The card is valid."),
    Check.Result.UNKNOWN: gettext_lazy("No card of this programme matches."),
    Check.Result.PENDING: gettext_lazy("The card is not active yet: the office has not confirmed it."),
    Check.Result.SUSPENDED: gettext_lazy("The card is suspended."),
    Check.Result.EXPIRED: gettext_lazy("The card's validity has ended."),
    Check.Result.REVOKED: gettext_lazy("The card was revoked (lost, replaced or cancelled)."),
    Check.Result.TOKEN_EXPIRED: gettext_lazy("The code is out of date: ask the holder to open My card again."),
    Check.Result.TOKEN_INVALID: gettext_lazy("This code was not issued by the programme or has been altered."),
    Check.Result.CODE_INVALID: gettext_lazy("The code does not match the card number (or is out of date)."),
}
NUMBER_ONLY = gettext_lazy("A card with this number is valid today. To use a perk, scan the QR code or type the "
                           "code shown under it.")
PARTNER_NOT_CURRENT = gettext_lazy("This partner's agreement is not in force today: perks cannot be given.")


@dataclass
class Verification:
    """What the till sees: no personal data beyond the first name and the surname's initial, and that only when
    the card was proven (QR token or number + code)."""

    check: Check
    result: str
    method: str
    valid: bool
    reason: str
    holder: str = ""
    card_number: str = ""
    valid_until: dt.date | None = None
    perks_today: list[Perk] = field(default_factory=list)
    perk: Perk | None = None
    accepted: bool | None = None
    refusal: str = ""
    refusal_text: str = ""

    @property
    def outcome(self) -> str:
        """green: valid and the perk (if any) accepted; amber: valid but the perk refused; red: not valid."""
        if not self.valid:
            return "red"
        return "amber" if self.accepted is False else "green"


def partner_for_till(*, user: User, partner_id: int | None = None, business_id: int | None = None) -> Partner:
    """The partner at whose till the user checks a card: they must be its owner, manager or till staff.

    An unknown partner is 404 (Partner.DoesNotExist); a partner the user does not act for is refused.
    """
    # One query: the partner, its business and the user's role there (the till's hot path).
    role = BusinessMembership.objects.filter(user=user, business_id=OuterRef("business_id")).values("role")[:1]
    qs = Partner.objects.select_related("business").annotate(till_role=Subquery(role))
    partner = qs.get(pk=partner_id) if partner_id is not None else qs.get(business_id=business_id)
    if partner.till_role is None:
        raise deny(_("You do not act for this partner, so you cannot check cards at its till."))
    return partner


def till_partners(user: User) -> list[Partner]:
    """Every partner the user acts for (owner, manager or till staff), with its business, the user's role there
    (`till_role`) and all its perks in the till's order (`till_perks`). The API keeps it with the cached token
    identity (core.tokens.identity_part; loyalty registers memberships, businesses, partners and perks, whose
    changes forget it), so a verification needs no query for who is at the till. Two queries."""
    perks = Prefetch("perks", queryset=Perk.objects.order_by("title_pl", "pk"), to_attr="till_perks")
    return list(Partner.objects.filter(business__memberships__user=user)
                .annotate(till_role=F("business__memberships__role"))
                .select_related("business").prefetch_related(perks).order_by("pk"))


def _status_result(card: Card | None, day: dt.date) -> str:
    if card is None:
        return Check.Result.UNKNOWN
    if card.is_valid_on(day):
        return Check.Result.VALID
    if card.status == Status.ACTIVE and card.valid_until is not None and card.valid_until < day:
        return Check.Result.EXPIRED  # the daily task has not marked it yet
    if card.status == Status.ACTIVE:
        return Check.Result.PENDING  # its period starts later
    return Check.Result(card.status)


def _uses(*, holder_id: int, perk: Perk, day: dt.date) -> tuple[int, int]:
    """The holder's accepted uses of the perk today and this month, on all their cards (one query)."""
    from django.db.models import Count

    month_start = day.replace(day=1)
    found = Check.objects.filter(card__holder_id=holder_id, perk=perk, accepted=True, day__gte=month_start,
                                 day__lte=day).aggregate(today=Count("pk", filter=Q(day=day)), month=Count("pk"))
    return found["today"], found["month"]


def _perk_refusal(*, perk: Perk, card: Card, day: dt.date, extra_today: int = 0) -> str:
    if not perk.applies_on(day):
        return Check.Refusal.NOT_TODAY
    if perk.daily_limit_per_card is None and perk.monthly_limit is None:
        return ""
    used_today, used_month = _uses(holder_id=card.holder_id, perk=perk, day=day)
    if perk.daily_limit_per_card is not None and used_today + extra_today >= perk.daily_limit_per_card:
        return Check.Refusal.LIMIT_REACHED
    if perk.monthly_limit is not None and used_month + extra_today >= perk.monthly_limit:
        return Check.Refusal.MONTHLY_LIMIT_REACHED
    return ""


def _read_token(token: str, now: float | None = None) -> dict | tokens.TokenError:
    """The token's claims, or why it is refused (the error, with what claims could be read)."""
    try:
        return tokens.read(token, now=now)
    except tokens.TokenError as exc:
        return exc


def _read_card(*, partner: Partner, token: str, number: str, code: str, lock: bool,
               now: float | None = None, read: dict | tokens.TokenError | None = None,
               ) -> tuple[str, Card | None, str | None]:
    """(method, card, refused result) for the input: the card a proof or number names, or why it is refused.
    `read` is the token already read (`_read_token`), if it was."""
    def card_by(**equals) -> Card | None:  # the ORM's filter(...).first(), without compiling it each time
        return one_row(Card, lock=lock, **equals)

    if token:
        claims = read if read is not None else _read_token(token, now)
        if isinstance(claims, tokens.TokenError):
            exc = claims
            card = None
            if exc.claims.get("centre_id") == partner.centre_id:
                card = card_by(pk=exc.claims.get("c"), centre_id=partner.centre_id)
            return Check.Method.QR, card, exc.reason
        if claims["centre_id"] != partner.centre_id:
            return Check.Method.QR, None, Check.Result.UNKNOWN
        card = card_by(pk=claims["c"], centre_id=partner.centre_id)
        if card is not None and card.number != claims.get("n"):
            return Check.Method.QR, card, Check.Result.TOKEN_INVALID
        return Check.Method.QR, card, None
    number = tokens.normalise_number(number)
    if not number:
        raise refusal("number", _("Scan the card's QR code or type its number."), Code.CARD_MISSING)
    if not tokens.number_is_well_formed(number):
        raise refusal("number", _("This card number is mistyped: it must have %(n)s digits and its last digit must "
                                  "fit the others. Check it and type it again.") % {"n": tokens.NUMBER_LENGTH},
                      Code.NUMBER_MISTYPED)
    card = card_by(number=number, centre_id=partner.centre_id)
    if not code:
        return Check.Method.NUMBER, card, None
    if card is not None and not tokens.code_matches(card_id=card.pk, secret=card.secret, code=code, now=now):
        return Check.Method.NUMBER_CODE, card, Check.Result.CODE_INVALID
    return Check.Method.NUMBER_CODE, card, None


def verify_card(*, user: User, partner: Partner, token: str = "", number: str = "", code: str = "",
                perk_id: int | None = None, perks: list[Perk] | None = None) -> Verification:
    """Check a card at a partner's till and record the check, whatever its outcome.

    A proof is the QR token, or the number with the 6-digit code under the QR code: it shows the holder's display
    name and may use a perk. A number alone only says whether such a card is valid today (no name, no perk).
    Limits count the holder's uses on all their cards. `perks` are all the partner's perks in the till's order
    when the caller has them (the API keeps them with the till's identity), else from the cache.

    Round trips: on PostgreSQL a genuine QR token of the partner's centre is checked and recorded in one
    statement (`_verify_genuine_token`). Otherwise a check reads the card and inserts the check, each statement
    on its own (no explicit transaction: there is nothing to keep consistent between them). With a perk that has
    a daily or monthly
    limit, on PostgreSQL the INSERT itself decides the use: it calls loyalty_perk_use_refusal (migration 0005),
    which locks the holder (an advisory lock held until the check is committed) and counts their uses in a
    snapshot taken after the lock — two uses at once cannot both take the last one, on one card or on two of
    the same holder. Elsewhere (SQLite): BEGIN, the card locked, the counting INSERT, COMMIT."""
    day = today()
    every = perks if perks is not None else _partner_perks(partner)
    perks = [p for p in every if p.pk == perk_id or (
        p.is_active and p.valid_from <= day and (p.valid_until is None or p.valid_until >= day))]
    perk = next((p for p in perks if p.pk == perk_id), None) if perk_id is not None else None
    if perk_id is not None and perk is None:
        raise refusal("perk", _("This perk is not one of this partner's perks."), Code.PERK_NOT_AVAILABLE)
    token, code = (token or "").strip(), (code or "").strip()
    limited = (perk is not None and (perk.daily_limit_per_card is not None or perk.monthly_limit is not None)
               and bool(token or code) and perk.applies_on(day) and partner.is_current_on(day))
    if limited and not _counts_in_the_insert():
        with transaction.atomic():
            return _verify(user=user, partner=partner, token=token, number=number, code=code, perk=perk,
                           perks=perks, day=day, lock=True)
    return _verify(user=user, partner=partner, token=token, number=number, code=code, perk=perk, perks=perks,
                   day=day, lock=False)


def _verify(*, user: User, partner: Partner, token: str, number: str, code: str, perk: Perk | None,
            perks: list[Perk], day: dt.date, lock: bool) -> Verification:
    read = _read_token(token) if token else None
    if (isinstance(read, dict) and read["centre_id"] == partner.centre_id and not lock
            and _counts_in_the_insert()):
        return _verify_genuine_token(user=user, partner=partner, claims=read, perk=perk, perks=perks, day=day)
    method, card, refused = _read_card(partner=partner, token=token, number=number, code=code, lock=lock,
                                       read=read)
    result = refused or _status_result(card, day)
    valid = result == Check.Result.VALID and partner.is_current_on(day)
    proven = method != Check.Method.NUMBER
    accepted: bool | None = None
    refusal_code = ""
    counted = False
    if perk is not None:
        accepted = False
        if not valid:
            refusal_code = Check.Refusal.CARD_NOT_VALID
        elif not proven:
            refusal_code = Check.Refusal.PROOF_NEEDED
        elif not perk.applies_on(day):
            refusal_code = Check.Refusal.NOT_TODAY
        elif perk.daily_limit_per_card is None and perk.monthly_limit is None:
            accepted = True
        else:
            counted = True
    check = Check(card=card, partner=partner, perk=perk, result=result, method=method, accepted=bool(accepted),
                  refusal=refusal_code, checked_by=user, day=day)
    if counted:
        _insert_counted_use(check, holder_id=card.holder_id, perk=perk, day=day)
        accepted, refusal_code = check.accepted, check.refusal
    else:
        # check.save(force_insert=True) with an INSERT prepared once. No limit counts this check, so its commit
        # does not wait for the disk (core.rows.insert_row: a database crash may lose the last fraction of a
        # second of such checks); a counted use above always does.
        insert_row(check, durable=False)
    if result == Check.Result.UNKNOWN and method != Check.Method.QR:
        _watch_for_enumeration(user=user, partner=partner)
    return _verification(check=check, card=card, result=result, method=method, refused=refused, valid=valid,
                         perk=perk, perks=perks, day=day, accepted=accepted, refusal_code=refusal_code)


def _verification(*, check: Check, card: Card | None, result: str, method: str, refused: str | None, valid: bool,
                  perk: Perk | None, perks: list[Perk], day: dt.date, accepted: bool | None,
                  refusal_code: str) -> Verification:
    """What the till is answered, from the recorded check."""
    proven = method != Check.Method.NUMBER
    perks_today = [p for p in perks if p.applies_on(day)]
    if valid:
        reason = str(REASONS[result]) if proven else str(NUMBER_ONLY)
    else:
        reason = str(REASONS[result]) if result != Check.Result.VALID else str(PARTNER_NOT_CURRENT)
    show = card is not None and proven and refused is None and valid
    return Verification(
        check=check, result=result, method=method, valid=valid, reason=reason,
        holder=card.holder_display if show else "",
        card_number=card.formatted_number if show else "",
        valid_until=card.valid_until if card is not None and (show or valid) else None,
        perks_today=perks_today if valid else [], perk=perk, accepted=accepted, refusal=refusal_code,
        refusal_text=str(Check.Refusal(refusal_code).label) if refusal_code else "")


def _verify_genuine_token(*, user: User, partner: Partner, claims: dict, perk: Perk | None, perks: list[Perk],
                          day: dt.date) -> Verification:
    """A genuine token of the partner's centre, checked and recorded in one statement (PostgreSQL): the card is
    read, its result decided (the SQL twin of `_status_result`, `Card.is_valid_on` and the token's number check;
    tests compare them case by case), a limited perk's use counted (loyalty_perk_use_refusal) and the check
    inserted, all in one round trip. A check that no limit counts commits without waiting for the disk, as in
    `_verify` (core.rows.insert_row); one that names a limited perk waits. The statement is the request's first
    and stands for the connection's health check (core.rows.read_checking_connection): when the server says it
    ended the session (which ran nothing of this statement to its commit), the connection is made again and the
    statement sent once more."""
    partner_current = partner.is_current_on(day)
    limited = perk is not None and (perk.daily_limit_per_card is not None or perk.monthly_limit is not None)
    waits = limited or connection.in_atomic_block
    sql, fields, card_attnames, card_converters = _genuine_token_plan(connection.alias, waits)
    check = Check(card=None, partner=partner, perk=perk, result="", method=Check.Method.QR, accepted=False,
                  refusal="", checked_by=user, day=day)
    pre_save.send(sender=Check, instance=check, raw=False, using=connection.alias, update_fields=None)
    date = connection.ops.adapt_datefield_value
    params = {f"f{i}": value for i, value in enumerate(insert_values(check, fields, connection))}
    params.update({
        "card": claims.get("c"), "centre": partner.centre_id, "day": date(day),
        "number": claims.get("n") if isinstance(claims.get("n"), str) else None,  # none: not this card's
        "has_perk": perk is not None, "partner_current": partner_current,
        "applies": perk is not None and perk.applies_on(day), "limited": limited,
        "perk": perk.pk if perk is not None else None,
        "daily": perk.daily_limit_per_card if perk is not None else None,
        "monthly": perk.monthly_limit if perk is not None else None,
        **_RESULT_CODES,
    })
    if not isinstance(params["card"], int) or isinstance(params["card"], bool) or not 0 < params["card"] < 2**63:
        params["card"] = 0  # a signed token names a card id; anything else finds no card
    row = read_checking_connection(connection.alias, sql, params, writes=True)
    n = len(card_attnames)
    card = instance_of(Card, connection.alias, card_attnames, card_converters, row[:n]) if row[0] is not None \
        else None
    result, refusal_code, check.pk = row[n], row[n + 1], row[n + 2]
    check.card, check.result, check.refusal = card, result, refusal_code
    check.accepted = perk is not None and refusal_code == ""
    check._state.adding, check._state.db = False, connection.alias
    post_save.send(sender=Check, instance=check, created=True, update_fields=None, raw=False,
                   using=connection.alias)
    return _verification(check=check, card=card, result=result, method=Check.Method.QR,
                         refused=result if result == Check.Result.TOKEN_INVALID else None,
                         valid=result == Check.Result.VALID and partner_current, perk=perk, perks=perks, day=day,
                         accepted=check.accepted if perk is not None else None, refusal_code=refusal_code)


_RESULT_CODES = {
    "unknown": Check.Result.UNKNOWN.value, "token_invalid": Check.Result.TOKEN_INVALID.value,
    "valid": Check.Result.VALID.value, "expired": Check.Result.EXPIRED.value, "pending": Check.Result.PENDING.value,
    "active": Card.Status.ACTIVE.value, "card_not_valid": Check.Refusal.CARD_NOT_VALID.value,
    "not_today": Check.Refusal.NOT_TODAY.value, "limit_code": Check.Refusal.LIMIT_REACHED.value,
    "monthly_code": Check.Refusal.MONTHLY_LIMIT_REACHED.value,
}


# The card's columns the one-statement check reads and answers: its result (`_status_result`'s twin needs the
# number, status and validity), the holder whose limited uses are counted, and what the till is shown
# (`_verification`: the first name and the surname's initial, the number). The others (the address, the e-mail,
# the secret) stay in the database: the instance defers them.
_GENUINE_TOKEN_CARD_FIELDS = ("id", "number", "status", "first_name", "last_name", "valid_from", "valid_until",
                              "centre_id", "holder_id")


@functools.cache  # one statement per database and commit kind, for the life of the process
def _genuine_token_plan(alias: str, waits: bool) -> tuple[str, tuple, tuple[str, ...], tuple]:
    """The statement of `_verify_genuine_token`, the check fields it binds (f0, f1, …: every column but the key,
    card, result, accepted and refusal) and the card's attnames and converters (its columns come first in the
    answer, then the result, the refusal and the check's key)."""
    conn = connections[alias]
    qn = conn.ops.quote_name
    card_col = {f.attname: qn(f.column) for f in Card._meta.concrete_fields}
    check_col = {f.attname: qn(f.column) for f in Check._meta.concrete_fields}
    card_select, card_attnames, card_converters = columns_of(Card, "c", conn, only=_GENUINE_TOKEN_CARD_FIELDS)
    answer_select = columns_of(Card, "u", conn, only=_GENUINE_TOKEN_CARD_FIELDS)[0]
    decided = ("card_id", "result", "accepted", "refusal")
    fields = tuple(f for f in Check._meta.concrete_fields if not f.primary_key and f.attname not in decided)
    columns = [*(check_col[name] for name in decided), *(qn(f.column) for f in fields)]
    values = [f"u.{card_col['id']}", "u.verdict", "(%(has_perk)s AND u.refusal = '')", "u.refusal",
              *(f"%(f{i})s" for i in range(len(fields)))]
    status, number = card_col["status"], card_col["number"]
    valid_from, valid_until, holder = card_col["valid_from"], card_col["valid_until"], card_col["holder_id"]
    asynchronous = "" if waits else f", {ASYNCHRONOUS_COMMIT}"
    # Names come from the models' _meta and every value is a bound parameter.
    sql = (
        f"WITH k AS (SELECT {', '.join(card_select)} FROM {qn(Card._meta.db_table)} c"  # noqa: S608
        f" WHERE c.{card_col['id']} = %(card)s AND c.{card_col['centre_id']} = %(centre)s),"
        " r AS (SELECT k.*, CASE"
        f" WHEN k.{card_col['id']} IS NULL THEN %(unknown)s"
        f" WHEN k.{number} IS DISTINCT FROM %(number)s THEN %(token_invalid)s"
        f" WHEN k.{status} = %(active)s AND k.{valid_from} IS NOT NULL AND k.{valid_until} IS NOT NULL"
        f" AND k.{valid_from} <= %(day)s AND %(day)s <= k.{valid_until} THEN %(valid)s"
        f" WHEN k.{status} = %(active)s AND k.{valid_until} IS NOT NULL AND k.{valid_until} < %(day)s"
        " THEN %(expired)s"
        f" WHEN k.{status} = %(active)s THEN %(pending)s"
        f" ELSE k.{status} END AS verdict FROM (SELECT 1) AS one LEFT JOIN k ON true),"
        " u AS (SELECT r.*, CASE WHEN NOT %(has_perk)s THEN ''"
        " WHEN NOT (r.verdict = %(valid)s AND %(partner_current)s) THEN %(card_not_valid)s"
        " WHEN NOT %(applies)s THEN %(not_today)s"
        f" WHEN %(limited)s THEN loyalty_perk_use_refusal(r.{holder}, %(perk)s, %(day)s, %(daily)s, %(monthly)s,"
        " %(limit_code)s, %(monthly_code)s)"
        " ELSE '' END AS refusal FROM r),"
        f" i AS (INSERT INTO {qn(Check._meta.db_table)} ({', '.join(columns)})"
        f" SELECT {', '.join(values)} FROM u{asynchronous} RETURNING {check_col['id']})"
        f" SELECT {', '.join(answer_select)}, u.verdict, u.refusal, i.{check_col['id']} FROM u, i")
    return sql, fields, card_attnames, card_converters


def _counts_in_the_insert() -> bool:
    """Whether the database decides a limited perk's use inside the check's INSERT (PostgreSQL, migration 0005)."""
    return connection.vendor == "postgresql"


def _insert_counted_use(check: Check, *, holder_id: int, perk: Perk, day: dt.date) -> None:
    """Record a use of a limited perk with `accepted` and `refusal` decided by the database from the holder's
    accepted uses of the perk today and this month (all their cards), in the same INSERT … RETURNING. On
    PostgreSQL the statement locks the holder itself (loyalty_perk_use_refusal); elsewhere the caller holds the
    card's lock and this statement's snapshot is taken after it. The count reads the partial index
    loyalty_check_accepted_uses (perk, card, day) only."""
    in_the_insert = _counts_in_the_insert()
    sql, fields = _counted_insert_plan(connection.alias, in_the_insert)
    date = connection.ops.adapt_datefield_value
    params = insert_values(check, fields, connection)
    refusals = [Check.Refusal.LIMIT_REACHED.value, Check.Refusal.MONTHLY_LIMIT_REACHED.value]
    if in_the_insert:
        params += [holder_id, perk.pk, date(day), perk.daily_limit_per_card, perk.monthly_limit, *refusals]
    else:
        params += [perk.daily_limit_per_card, refusals[0], perk.monthly_limit, refusals[1],
                   date(day), perk.pk, date(day.replace(day=1)), date(day), holder_id]
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(sql, params)
        pk, accepted, refusal_code = cursor.fetchone()
    check.pk, check.accepted, check.refusal = pk, bool(accepted), refusal_code
    check._state.adding, check._state.db = False, connection.alias
    post_save.send(sender=Check, instance=check, created=True, update_fields=None, raw=False,
                   using=connection.alias)


@functools.cache  # one statement per database and way of counting, for the life of the process
def _counted_insert_plan(alias: str, in_the_insert: bool) -> tuple[str, tuple]:
    """The counting INSERT … SELECT … RETURNING of a check and the fields bound before the refusal's parameters
    (every check column but the key, `accepted` and `refusal`, which the statement computes)."""
    conn = connections[alias]
    qn = conn.ops.quote_name
    table, card_table = qn(Check._meta.db_table), qn(Card._meta.db_table)
    col = {f.attname: qn(f.column) for f in Check._meta.concrete_fields}
    fields = tuple(f for f in Check._meta.concrete_fields
                   if not f.primary_key and f.attname not in ("accepted", "refusal"))
    columns = [*(qn(f.column) for f in fields), col["accepted"], col["refusal"]]
    values = [*(["%s"] * len(fields)), "(u.refusal = '')", "u.refusal"]
    if in_the_insert:
        decided = "SELECT loyalty_perk_use_refusal(%s, %s, %s, %s, %s, %s, %s) AS refusal"
    else:
        holder, card_pk = qn(Card._meta.get_field("holder").column), qn(Card._meta.pk.column)
        # Names come from the models' _meta and every value is a bound parameter.
        uses = (f"SELECT COALESCE(SUM(CASE WHEN c.{col['day']} = %s THEN 1 ELSE 0 END), 0) AS today,"  # noqa: S608
                f" COUNT(*) AS month FROM {table} c WHERE c.{col['perk_id']} = %s AND c.{col['accepted']}"
                f" AND c.{col['day']} >= %s AND c.{col['day']} <= %s"
                f" AND c.{col['card_id']} IN (SELECT k.{card_pk} FROM {card_table} k WHERE k.{holder} = %s)")
        # A limit that is not set (NULL) is never reached.
        decided = ("SELECT CASE WHEN n.today >= COALESCE(%s, n.today + 1) THEN %s"  # noqa: S608
                   " WHEN n.month >= COALESCE(%s, n.month + 1) THEN %s ELSE '' END AS refusal"
                   f" FROM ({uses}) n")
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM ({decided}) u"  # noqa: S608
           f" RETURNING {qn(Check._meta.pk.column)}, {col['accepted']}, {col['refusal']}")
    return sql, fields


def _partner_perks(partner: Partner) -> list[Perk]:
    """Every perk of the partner in the till's order, kept under the public "perks" version (any perk, partner or
    business saved bumps it), so the till reads them with one cache look-up instead of a query."""
    return cached_value("perks", f"till-perks:{partner.pk}",
                        lambda: list(Perk.objects.filter(partner=partner).order_by("title_pl", "pk")))


@transaction.atomic
def _watch_for_enumeration(*, user: User, partner: Partner) -> None:
    """A run of unknown typed numbers from one till account is recorded (and kept up to date) as a suspected
    enumeration, which the office sees in the admin."""
    threshold, seconds = getattr(settings, "LOYALTY_ENUMERATION_RUN", (10, 300))
    now = timezone.now()
    since = now - dt.timedelta(seconds=seconds)
    unknown = Check.objects.filter(checked_by=user, partner=partner, result=Check.Result.UNKNOWN,
                                   method__in=[Check.Method.NUMBER, Check.Method.NUMBER_CODE],
                                   created_at__gte=since).count()
    if unknown < threshold:
        return
    run = (SuspectedEnumeration.objects.select_for_update()
           .filter(user=user, partner=partner, last_at__gte=since).first())
    if run is None:
        SuspectedEnumeration.objects.create(user=user, partner=partner, first_at=since, last_at=now,
                                            unknown_numbers=unknown)
    else:
        run.last_at = now
        run.unknown_numbers += 1
        run.save(update_fields=["last_at", "unknown_numbers"])


# --- The offline till -----------------------------------------------------------------------------------

OFFLINE_BATCH_MAX = 200
OFFLINE_MAX_AGE = dt.timedelta(days=7)


@dataclass
class OfflineItem:
    client_id: uuid.UUID
    token: str
    checked_at: dt.datetime
    perk_id: int | None = None
    accepted: bool = False


@dataclass
class OfflineOutcome:
    client_id: uuid.UUID
    check: Check
    duplicate: bool


@transaction.atomic
def record_offline_checks(*, user: User, partner: Partner, items: Iterable[OfflineItem]) -> list[OfflineOutcome]:
    """Record the checks a till made offline (QR tokens only), each once however often it is uploaded.

    Each token is judged as of the till's clock (`checked_at`): genuine, alive then, of a card of this centre.
    A perk the device accepted stays accepted if the card was valid (the perk was given), and is flagged when the
    server finds that the holder's limit was already reached."""
    if membership_role(user, partner.business_id) is None:
        raise deny(_("You do not act for this partner, so you cannot check cards at its till."))
    items = list(items)
    if len(items) > OFFLINE_BATCH_MAX:
        raise refusal("checks", _("Send at most %(n)s checks at once.") % {"n": OFFLINE_BATCH_MAX}, Code.TOO_LARGE)
    now = timezone.now()
    for item in items:
        if item.checked_at > now + dt.timedelta(minutes=5) or item.checked_at < now - OFFLINE_MAX_AGE:
            raise refusal("checks", _("An offline check is dated in the future or more than a week ago."),
                          Code.CHECK_TIME_INVALID)
    perk_ids = {i.perk_id for i in items if i.perk_id is not None}
    perks = {p.pk: p for p in Perk.objects.filter(partner=partner, pk__in=perk_ids)}
    if perk_ids - set(perks):
        raise refusal("checks", _("This perk is not one of this partner's perks."), Code.PERK_NOT_AVAILABLE)
    existing = {c.offline_client_id: c for c in Check.objects.filter(
        partner=partner, offline_client_id__in=[i.client_id for i in items])}
    outcomes: list[OfflineOutcome] = []
    for item in items:
        if item.client_id in existing:
            outcomes.append(OfflineOutcome(item.client_id, existing[item.client_id], duplicate=True))
            continue
        day = timezone.localdate(item.checked_at)
        _method, card, refused = _read_card(partner=partner, token=item.token, number="", code="", lock=True,
                                            now=item.checked_at.timestamp())
        result = refused or _status_result(card, day)
        perk = perks.get(item.perk_id) if item.perk_id is not None else None
        accepted = bool(perk is not None and item.accepted and result == Check.Result.VALID)
        flagged = False
        refusal_code = ""
        if perk is not None and result != Check.Result.VALID:
            refusal_code = Check.Refusal.CARD_NOT_VALID
            flagged = item.accepted
        elif perk is not None and accepted:
            flagged = bool(_perk_refusal(perk=perk, card=card, day=day))
        elif perk is not None:
            refusal_code = _perk_refusal(perk=perk, card=card, day=day) or Check.Refusal.LIMIT_REACHED
        try:
            with transaction.atomic():
                check = Check.objects.create(
                    card=card, partner=partner, perk=perk, result=result, method=Check.Method.QR, accepted=accepted,
                    refusal=refusal_code, checked_by=user, day=day, offline_client_id=item.client_id,
                    checked_at=item.checked_at, flagged=flagged)
        except IntegrityError:  # the same upload at the same moment
            check = Check.objects.get(partner=partner, offline_client_id=item.client_id)
            outcomes.append(OfflineOutcome(item.client_id, check, duplicate=True))
            continue
        outcomes.append(OfflineOutcome(item.client_id, check, duplicate=False))
    return outcomes


# --- Keys -----------------------------------------------------------------------------------------------

def rotate_signing_key(*, centre: Centre) -> str:
    """A new signing key for the centre; tokens signed with the previous key stay valid until they expire."""
    return tokens.create_signing_key(centre_id=centre.pk).kid


# --- Personal data ------------------------------------------------------------------------------------

def export_personal_data(user: User) -> dict:
    """The resident's cards and the checks of those cards, for the right of access."""
    cards = Card.objects.filter(holder=user).select_related("centre", "terms").order_by("created_at")
    checks = (Check.objects.filter(card__holder=user).select_related("card", "partner__business", "perk")
              .order_by("created_at"))
    return {
        "cards": [{"centre": c.centre.name, "number": c.number, "status": c.status, "first_name": c.first_name,
                   "last_name": c.last_name, "address": c.address, "postal_code": c.postal_code, "city": c.city,
                   "email": c.email, "valid_from": c.valid_from, "valid_until": c.valid_until,
                   "applied_at": c.created_at, "terms_accepted_at": c.terms_accepted_at,
                   "terms_version": c.terms.version if c.terms else None} for c in cards],
        "checks": [{"card": ch.card.number, "partner": ch.partner.business.name,
                    "perk": ch.perk.title_pl if ch.perk else None, "result": ch.result, "accepted": ch.accepted,
                    "at": ch.created_at} for ch in checks],
    }


@transaction.atomic
def erase_personal_data(user: User) -> None:
    """Revoke the resident's live cards and blank their names and address. The checks stay, anonymous."""
    for card in Card.objects.filter(holder=user, status__in=[Status.PENDING, Status.ACTIVE, Status.SUSPENDED]):
        revoke_card(card=card, by=None, note=_("Account deleted"))
    Card.objects.filter(holder=user).update(first_name="", last_name="", address="", postal_code="", city="",
                                            email="")
