"""Writes of the loyalty programme: applications, the card workflow, partners, perks and the till check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centres.models import Business, BusinessMembership, Centre, User
from centres.selectors import today

from . import tokens
from .models import Card, CardEvent, CardNumberCounter, Check, Partner, Perk
from .selectors import programme_settings

Status = Card.Status

# The card workflow: every status change goes through `change_status`, which refuses any other move.
# ACTIVE → ACTIVE is a renewal (a new validity period).
TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING: {Status.ACTIVE, Status.REVOKED},
    Status.ACTIVE: {Status.ACTIVE, Status.SUSPENDED, Status.EXPIRED, Status.REVOKED},
    Status.SUSPENDED: {Status.ACTIVE, Status.EXPIRED, Status.REVOKED},
    Status.EXPIRED: {Status.ACTIVE, Status.REVOKED},
    Status.REVOKED: set(),
}


# --- Numbers ------------------------------------------------------------------------------------------

def allocate_number(*, centre: Centre) -> str:
    """The next card number of the centre. The counter row is locked, so two applications never share a number
    and a number once given (even to a revoked card) is never given again."""
    CardNumberCounter.objects.get_or_create(centre=centre)
    counter = CardNumberCounter.objects.select_for_update().get(centre=centre)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return tokens.number_for(counter.last_serial)


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
                   city: str, email: str = "", accept_terms: bool) -> Card:
    """A resident applies for a card. It is pending until the office confirms residence, unless the centre
    activates cards automatically. One live (pending, active or suspended) card per resident per centre."""
    errors: dict[str, str] = {}
    if not accept_terms:
        errors["accept_terms"] = _("Accept the programme's terms to apply.")
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in to apply for a card."))
    if Card.objects.filter(holder=user, centre=centre, status__in=[Status.PENDING, Status.ACTIVE,
                                                                    Status.SUSPENDED]).exists():
        errors["__all__"] = _("You already have a card in this centre.")
    card = Card(centre=centre, holder=user, number="0" * tokens.NUMBER_LENGTH, secret=tokens.new_secret(),
                first_name=first_name.strip(), last_name=last_name.strip(), address=address.strip(),
                postal_code=postal_code.strip(), city=city.strip(), email=(email or user.email).strip().lower(),
                terms_accepted_at=timezone.now() if accept_terms else None)
    try:
        card.full_clean(exclude=["number", "secret"], validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    card.number = allocate_number(centre=centre)
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError:  # a second application at the same moment: the partial unique constraint decides
        raise ValidationError({"__all__": _("You already have a card in this centre.")}) from None
    CardEvent.objects.create(card=card, from_status="", to_status=Status.PENDING, by=user, note=_("Application"))
    if programme_settings(centre).auto_activate:
        card = change_status(card=card, to=Status.ACTIVE, by=None, note=_("Activated automatically"))
    return card


# --- The workflow -------------------------------------------------------------------------------------

@transaction.atomic
def change_status(*, card: Card, to: str, by: User | None, note: str = "",
                  only_from: tuple[str, ...] | None = None) -> Card:
    """The one way a card's status changes: lock the row, check the move, set the dates, record the event and
    schedule the e-mail. Anything not in TRANSITIONS (or, for a named action, not in `only_from`) is refused
    with a clear error."""
    locked = Card.objects.select_for_update().select_related("centre").get(pk=card.pk)
    current = locked.status
    if only_from is not None and current not in only_from:
        raise ValidationError({"status": _("This action needs a card that is %(allowed)s; this one is %(current)s.")
                               % {"allowed": _(" or ").join(str(Status(s).label) for s in only_from),
                                  "current": Status(current).label}})
    if to not in TRANSITIONS.get(current, set()):
        raise ValidationError({"status": _("A %(current)s card cannot become %(to)s.")
                               % {"current": Status(current).label, "to": Status(to).label}})
    day = today()
    now = timezone.now()
    first_activation = False
    if to == Status.ACTIVE and current in (Status.PENDING, Status.EXPIRED, Status.ACTIVE):
        # Activation, or renewal: a new period from today, or from the day after the current end if later.
        start = day
        if current == Status.ACTIVE and locked.valid_until and locked.valid_until >= day:
            start = locked.valid_until + dt.timedelta(days=1)
            locked.valid_until = validity_from(centre=locked.centre, start=start)
        else:
            locked.valid_from = day
            locked.valid_until = validity_from(centre=locked.centre, start=start)
        if locked.activated_at is None:
            locked.activated_at = now
            first_activation = True
    elif to == Status.ACTIVE and current == Status.SUSPENDED and locked.valid_until and locked.valid_until < day:
        raise ValidationError({"status": _("The card's validity has ended: renew it instead.")})
    locked.status = to
    locked.status_changed_at = now
    locked.save()
    CardEvent.objects.create(card=locked, from_status=current, to_status=to, by=by,
                             note=note or (_("Renewal") if current == to else ""))
    if first_activation:
        from .tasks import send_activation_email

        send_activation_email.delay_on_commit(locked.pk)
    return locked


def activate_card(*, card: Card, by: User | None, note: str = "") -> Card:
    """The office confirmed residence (or lifts a suspension)."""
    return change_status(card=card, to=Status.ACTIVE, by=by, note=note, only_from=(Status.PENDING, Status.SUSPENDED))


def renew_card(*, card: Card, by: User | None, note: str = "") -> Card:
    """A new validity period for an active or expired card."""
    return change_status(card=card, to=Status.ACTIVE, by=by, note=note or _("Renewal"),
                         only_from=(Status.ACTIVE, Status.EXPIRED))


def suspend_card(*, card: Card, by: User | None, note: str = "") -> Card:
    return change_status(card=card, to=Status.SUSPENDED, by=by, note=note, only_from=(Status.ACTIVE,))


def revoke_card(*, card: Card, by: User | None, note: str = "") -> Card:
    return change_status(card=card, to=Status.REVOKED, by=by, note=note)


def expire_card(*, card: Card, by: User | None = None) -> Card:
    return change_status(card=card, to=Status.EXPIRED, by=by, note=_("Validity ended"),
                         only_from=(Status.ACTIVE, Status.SUSPENDED))


@transaction.atomic
def reissue_card(*, card: Card, by: User | None, note: str = "") -> Card:
    """A lost or stolen card: revoke it and issue a new number (and a new token secret) for the same holder,
    with the same validity. The new card points to the old one, so the history links them."""
    previous = Card.objects.select_for_update().get(pk=card.pk).status
    if previous not in (Status.PENDING, Status.ACTIVE, Status.SUSPENDED):
        raise ValidationError({"status": _("Only a pending, active or suspended card can be re-issued; "
                                           "renew an expired card instead.")})
    old = revoke_card(card=card, by=by, note=note or _("Lost card: re-issued"))
    replacement = Card.objects.create(
        centre=old.centre, holder=old.holder, number=allocate_number(centre=old.centre), secret=tokens.new_secret(),
        status=previous, first_name=old.first_name,
        last_name=old.last_name, address=old.address, postal_code=old.postal_code, city=old.city, email=old.email,
        terms_accepted_at=old.terms_accepted_at, valid_from=old.valid_from, valid_until=old.valid_until,
        replaces=old, activated_at=old.activated_at, status_changed_at=timezone.now())
    CardEvent.objects.create(card=replacement, from_status="", to_status=replacement.status, by=by,
                             note=_("Re-issued in place of %(number)s") % {"number": old.formatted_number})
    return replacement


def card_token(card: Card) -> str:
    """The string in the card's QR code."""
    return tokens.make_token(card_id=card.pk, secret=card.secret)


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
    errors: dict[str, str] = {}
    if partner.business.centre_id != partner.centre_id:
        errors["business"] = _("The business is not in this centre.")
    if Partner.objects.filter(business_id=partner.business_id).exclude(pk=partner.pk).exists():
        errors["business"] = _("This business is already a partner.")
    if partner.agreement_end and partner.agreement_end < partner.agreement_start:
        errors["agreement_end"] = _("The agreement cannot end before it starts.")
    if errors:
        raise ValidationError(errors)


PERK_FIELDS = ("title_pl", "title_en", "description_pl", "description_en", "kind", "value", "conditions_pl",
               "conditions_en", "valid_from", "valid_until", "weekdays", "daily_limit_per_card", "is_active")


def validate_perk(perk: Perk) -> None:
    """Field rules plus the value each kind needs and ordered dates, with messages on the fields concerned."""
    errors: dict[str, list[str]] = {}
    try:
        perk.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
    value = perk.value
    if perk.kind == Perk.Kind.PERCENT and (value is None or not Decimal("1") <= value <= Decimal("100")):
        errors.setdefault("value", []).append(_("A percentage must be from 1 to 100."))
    elif perk.kind == Perk.Kind.AMOUNT and (value is None or value <= 0):
        errors.setdefault("value", []).append(_("An amount must be more than 0 PLN."))
    elif perk.kind in (Perk.Kind.FREE_ITEM, Perk.Kind.OTHER) and value is not None:
        errors.setdefault("value", []).append(_("This kind of perk takes no value."))
    if perk.valid_from and perk.valid_until and perk.valid_until < perk.valid_from:
        errors.setdefault("valid_until", []).append(_("The end date must not be before the start date."))
    if perk.weekdays is not None and not 1 <= perk.weekdays <= Perk.ALL_DAYS:
        errors.setdefault("weekdays", []).append(_("Choose at least one day of the week."))
    if errors:
        raise ValidationError(errors)


def may_manage_perks(*, user: User, partner: Partner) -> bool:
    """The partner's owner or manager, or office staff of its centre."""
    from centres.selectors import is_staff_of, membership_role

    return (is_staff_of(user, partner.centre_id)
            or membership_role(user, partner.business_id) in BusinessMembership.MANAGING_ROLES)


@transaction.atomic
def create_perk(*, partner: Partner, by: User, **fields) -> Perk:
    if not may_manage_perks(user=by, partner=partner):
        raise PermissionDenied(_("Only the partner's owner or manager may manage its perks."))
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
        raise PermissionDenied(_("Only the partner's owner or manager may manage its perks."))
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
}
PARTNER_NOT_CURRENT = gettext_lazy("This partner's agreement is not in force today: perks cannot be given.")


@dataclass
class Verification:
    """What the till sees: no personal data beyond the first name and the surname's initial."""

    check: Check
    result: str
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


def partner_for_till(*, user: User, partner_id: int | None = None, business_id: int | None = None) -> Partner:
    """The partner at whose till the user checks a card: they must be its owner, manager or till staff.

    An unknown partner is 404 (Partner.DoesNotExist); a partner the user does not act for is refused.
    """
    qs = Partner.objects.select_related("business")
    partner = qs.get(pk=partner_id) if partner_id is not None else qs.get(business_id=business_id)
    if not BusinessMembership.objects.filter(user=user, business_id=partner.business_id).exists():
        raise PermissionDenied(_("You do not act for this partner, so you cannot check cards at its till."))
    return partner


def _card_query(*, partner: Partner, code: str) -> tuple[Q | None, str | None]:
    """The filter finding the card named by a token or a typed number, and the token's secret.

    A typed number whose check digit does not fit is refused here: a typo, not a look-up.
    """
    if tokens.looks_like_token(code):
        found = tokens.read_token(code)
        if found is None:
            return None, None
        return Q(pk=found[0], centre_id=partner.centre_id), found[1]
    number = tokens.normalise_number(code)
    if not number:
        raise ValidationError({"code": _("Scan the card's QR code or type its number.")})
    if not tokens.number_is_well_formed(number):
        raise ValidationError({"code": _("This card number is mistyped: it must have %(n)s digits and its last "
                                         "digit must fit the others. Check it and type it again.")
                               % {"n": tokens.NUMBER_LENGTH}})
    return Q(number=number, centre_id=partner.centre_id), None


@transaction.atomic
def verify_card(*, user: User, partner: Partner, code: str, perk_id: int | None = None) -> Verification:
    """Check a card at a partner's till and record the check. A bounded number of queries whatever the data size:
    the card (locked when a perk is used, so the per-day limit holds under concurrent uses), the partner's perks,
    the day's uses of the perk, and the new check row."""
    query, secret = _card_query(partner=partner, code=code)
    day = today()
    card: Card | None = None
    if query is not None:
        cards = Card.objects.filter(query)
        if perk_id is not None:
            cards = cards.select_for_update(of=("self",))
        card = cards.first()
        if card is not None and secret is not None and card.secret != secret:
            card = None  # a token of a card whose secret has changed since

    wanted = Q(is_active=True, valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    if perk_id is not None:
        wanted |= Q(pk=perk_id)
    perks = list(Perk.objects.filter(partner=partner).filter(wanted).order_by("title_pl", "pk"))
    perk = None
    if perk_id is not None:
        perk = next((p for p in perks if p.pk == perk_id), None)
        if perk is None:
            raise ValidationError({"perk": _("This perk is not one of this partner's perks.")})
    perks_today = [p for p in perks if p.applies_on(day)]

    if card is None:
        result = Check.Result.UNKNOWN
    elif card.status == Status.ACTIVE and card.valid_until is not None and card.valid_until < day:
        result = Check.Result.EXPIRED  # the daily task has not marked it yet
    elif card.status == Status.ACTIVE and card.valid_from is not None and card.valid_from > day:
        result = Check.Result.PENDING
    else:
        result = Check.Result(card.status) if card.status != Status.ACTIVE else Check.Result.VALID
    valid = result == Check.Result.VALID and partner.is_current_on(day)

    accepted: bool | None = None
    refusal = ""
    if perk is not None:
        accepted = False
        if not valid:
            refusal = Check.Refusal.CARD_NOT_VALID
        elif not perk.applies_on(day):
            refusal = Check.Refusal.NOT_TODAY
        elif perk.daily_limit_per_card is not None and Check.objects.filter(
                card=card, perk=perk, day=day, accepted=True).count() >= perk.daily_limit_per_card:
            refusal = Check.Refusal.LIMIT_REACHED
        else:
            accepted = True

    check = Check.objects.create(card=card, partner=partner, perk=perk, result=result, accepted=bool(accepted),
                                 refusal=refusal, checked_by=user, day=day)
    reason = str(REASONS[result]) if valid or result != Check.Result.VALID else str(PARTNER_NOT_CURRENT)
    return Verification(
        check=check, result=result, valid=valid, reason=reason,
        holder=card.holder_display if card is not None else "",
        card_number=card.formatted_number if card is not None else "",
        valid_until=card.valid_until if card is not None else None,
        perks_today=perks_today if valid else [], perk=perk, accepted=accepted, refusal=refusal,
        refusal_text=str(Check.Refusal(refusal).label) if refusal else "")


# --- Personal data ------------------------------------------------------------------------------------

def export_personal_data(user: User) -> dict:
    """The resident's cards and the checks of those cards, for the right of access."""
    cards = Card.objects.filter(holder=user).select_related("centre").order_by("created_at")
    checks = (Check.objects.filter(card__holder=user).select_related("card", "partner__business", "perk")
              .order_by("created_at"))
    return {
        "cards": [{"centre": c.centre.name, "number": c.number, "status": c.status, "first_name": c.first_name,
                   "last_name": c.last_name, "address": c.address, "postal_code": c.postal_code, "city": c.city,
                   "email": c.email, "valid_from": c.valid_from, "valid_until": c.valid_until,
                   "applied_at": c.created_at, "terms_accepted_at": c.terms_accepted_at} for c in cards],
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
