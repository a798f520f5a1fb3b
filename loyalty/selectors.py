"""Reads of the loyalty programme, with their joins applied, and who may see which card, check and figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from centres.models import BusinessMembership, Centre, User
from centres.selectors import businesses_of, staff_centre_ids
from core import formats
from core.dates import today

from . import tokens
from .models import Card, CardEvent, Check, Partner, Perk, ProgrammeSettings, ProgrammeTerms, SigningKey


def programme_settings(centre: Centre) -> ProgrammeSettings:
    """The centre's settings, or the defaults (two years, office activation) where none were saved."""
    found = ProgrammeSettings.objects.filter(centre=centre).first()
    return found or ProgrammeSettings(centre=centre)


# --- Cards --------------------------------------------------------------------------------------------

def has_active_card(*, user: User, centre: Centre) -> bool:
    """Whether the user holds a card of the centre that is active and within its validity today (one query)."""
    if not (user and user.is_authenticated):
        return False
    return Card.objects.filter(holder=user, centre=centre).valid_on(today()).exists()


def live_card(*, user: User, centre: Centre) -> Card | None:
    """The user's pending, active or suspended card in the centre, else the latest one (expired or revoked)."""
    cards = Card.objects.filter(holder=user, centre=centre).select_related("centre", "replaces")
    return cards.filter(status__in=[Card.Status.PENDING, Card.Status.ACTIVE, Card.Status.SUSPENDED]).first() \
        or cards.order_by("-created_at").first()


def cards_visible_to(user: User) -> QuerySet[Card]:
    """A resident sees their own cards; office staff see their centres' cards."""
    if not (user and user.is_authenticated):
        return Card.objects.none()
    return (Card.objects.filter(Q(holder=user) | Q(centre_id__in=staff_centre_ids(user)))
            .select_related("centre", "replaces").order_by("-created_at"))


def card_history(card: Card) -> QuerySet:
    return card.events.select_related("by").order_by("created_at", "pk")


def current_terms(centre: Centre) -> ProgrammeTerms | None:
    """The version of the programme's terms in force now (the latest published), if the office published one."""
    return (ProgrammeTerms.objects.filter(centre=centre, published_at__lte=timezone.now())
            .order_by("-published_at", "-pk").first())


def published_keys() -> QuerySet[SigningKey]:
    """The keys a till may need: the current ones and those retired less than a token window ago."""
    since = timezone.now() - dt.timedelta(seconds=tokens.window_seconds() + tokens.step_seconds())
    for centre_id in Centre.objects.filter(is_active=True).exclude(
            loyalty_keys__retired_at__isnull=True).values_list("pk", flat=True):
        tokens.create_signing_key(centre_id=centre_id)  # every centre publishes a key before its first token
    return (SigningKey.objects.filter(Q(retired_at__isnull=True) | Q(retired_at__gte=since))
            .select_related("centre").order_by("centre_id", "-created_at"))


def status_changes_since(*, centre_id: int, after: int, limit: int = 5000) -> list[tuple[int, int, str]]:
    """(history id, card id, new status) of the centre's cards after history id `after`: the revocation list's
    delta (a till blocks a card whose latest status is not active)."""
    return list(CardEvent.objects.filter(card__centre_id=centre_id, pk__gt=after).order_by("pk")
                .values_list("pk", "card_id", "to_status")[:limit])


def shift_checks(*, user: User, partner: Partner, limit: int = 15) -> QuerySet[Check]:
    """This till account's checks at the partner over the last 12 hours (a shift), newest first."""
    since = timezone.now() - dt.timedelta(hours=12)
    return (Check.objects.filter(checked_by=user, partner=partner, created_at__gte=since)
            .select_related("perk").order_by("-created_at", "-pk")[:limit])


# --- Partners and perks -------------------------------------------------------------------------------

def current_partners(*, day: dt.date | None = None) -> QuerySet[Partner]:
    day = day or today()
    return (Partner.objects.filter(is_active=True, business__is_active=True, agreement_start__lte=day)
            .filter(Q(agreement_end__isnull=True) | Q(agreement_end__gte=day))
            .select_related("centre", "business", "business__street", "business__zone"))


def current_perks(*, day: dt.date | None = None) -> QuerySet[Perk]:
    """Perks a cardholder can use now: active, within their dates, at a partner under a current agreement."""
    day = day or today()
    return (Perk.objects.filter(is_active=True, valid_from__lte=day, partner__is_active=True,
                                partner__business__is_active=True, partner__agreement_start__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .filter(Q(partner__agreement_end__isnull=True) | Q(partner__agreement_end__gte=day))
            .select_related("partner", "partner__centre", "partner__business", "partner__business__street",
                            "partner__business__zone")
            .order_by("partner__business__name", "title_pl", "pk"))


def perks_visible_to(user: User, *, day: dt.date | None = None) -> QuerySet[Perk]:
    """The public sees current perks; a partner's owner or manager and the centre's staff also see the rest."""
    current = current_perks(day=day)
    if not (user and user.is_authenticated):
        return current
    managed = managed_partner_ids(user)
    staff_of = staff_centre_ids(user)
    if not managed and not staff_of:
        return current
    return (Perk.objects.filter(Q(pk__in=current.values("pk")) | Q(partner_id__in=managed)
                                | Q(partner__centre_id__in=staff_of))
            .select_related("partner", "partner__centre", "partner__business", "partner__business__street",
                            "partner__business__zone")
            .order_by("partner__business__name", "title_pl", "pk"))


def partners_visible_to(user: User) -> QuerySet[Partner]:
    current = current_partners()
    if not (user and user.is_authenticated):
        return current
    managed = managed_partner_ids(user)
    staff_of = staff_centre_ids(user)
    if not managed and not staff_of:
        return current
    return (Partner.objects.filter(Q(pk__in=current.values("pk")) | Q(pk__in=managed) | Q(centre_id__in=staff_of))
            .select_related("centre", "business", "business__street", "business__zone"))


def partners_of(user: User, roles: tuple[str, ...] | None = None) -> QuerySet[Partner]:
    """Partners the user acts for (any role, or only those given)."""
    return (Partner.objects.filter(business__in=businesses_of(user, roles))
            .select_related("centre", "business").order_by("business__name"))


def managed_partner_ids(user: User) -> set[int]:
    """Partners whose business the user owns or manages (cached per user object)."""
    cached = getattr(user, "_managed_partner_ids", None)
    if cached is None:
        cached = set(partners_of(user, BusinessMembership.MANAGING_ROLES).values_list("pk", flat=True))
        user._managed_partner_ids = cached
    return cached


def till_partner_ids(user: User) -> set[int]:
    """Partners at whose till the user may verify cards: owner, manager or till staff."""
    return set(partners_of(user).values_list("pk", flat=True))


# --- Checks -------------------------------------------------------------------------------------------

def checks_visible_to(user: User) -> QuerySet[Check]:
    """A resident sees the checks of their own cards; a partner's people their partner's; staff their centres'."""
    if not (user and user.is_authenticated):
        return Check.objects.none()
    scope = Q(card__holder=user) | Q(partner__centre_id__in=staff_centre_ids(user))
    partner_ids = till_partner_ids(user)
    if partner_ids:
        scope |= Q(partner_id__in=partner_ids)
    return (Check.objects.filter(scope)
            .select_related("card", "partner", "partner__business", "perk").order_by("-created_at", "-pk"))


def own_checks(*, user: User, card: Card | None = None) -> QuerySet[Check]:
    qs = Check.objects.filter(card__holder=user)
    if card is not None:
        qs = qs.filter(card__centre_id=card.centre_id)
    return qs.select_related("partner__business", "perk").order_by("-created_at", "-pk")


# --- Figures (DB aggregates only, no personal data) ---------------------------------------------------

@dataclass
class Table:
    """A titled table of figures, shown on a page, in the API and as CSV."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"key": self.key, "title": str(self.title), "columns": [str(c) for c in self.columns],
                "rows": [[_plain(v) for v in row] for row in self.rows]}


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _month(value) -> formats.Month | str:
    """A month of a table: "grudzień 2026" on a page and in the CSV to read, "2026-12" in the API."""
    if value is None:
        return ""
    return formats.Month(value.year, value.month, 1)


def office_figures(centre: Centre) -> dict:
    """The office's figures of a centre: a fixed number of aggregate queries whatever the data size."""
    from django.utils.translation import gettext as _

    cards = Card.objects.filter(centre=centre)
    head = cards.aggregate(active=Count("pk", filter=Q(status=Card.Status.ACTIVE)),
                           pending=Count("pk", filter=Q(status=Card.Status.PENDING)), total=Count("pk"))
    checks = Check.objects.filter(partner__centre=centre)
    totals = checks.aggregate(checks=Count("pk"), accepted=Count("pk", filter=Q(accepted=True)))
    partners = Partner.objects.filter(centre=centre, is_active=True).count()
    new_cards = Table("new-cards-per-month", _("New cards per month"), [_("Month"), _("Cards")], [
        [_month(r["month"]), r["n"]] for r in cards.annotate(month=TruncMonth("created_at")).values("month")
        .annotate(n=Count("pk")).order_by("month")])
    per_partner = Table("checks-per-partner", _("Checks and accepted uses per partner"),
                        [_("Partner"), _("Checks"), _("Accepted uses")], [
        [r["partner__business__name"], r["checks"], r["accepted"]] for r in
        checks.values("partner__business__name").annotate(checks=Count("pk"),
                                                           accepted=Count("pk", filter=Q(accepted=True)))
        .order_by("-accepted", "-checks", "partner__business__name")])
    per_month = Table("checks-per-month", _("Checks and accepted uses per month"),
                      [_("Month"), _("Checks"), _("Accepted uses")], [
        [_month(r["month"]), r["checks"], r["accepted"]] for r in
        checks.annotate(month=TruncMonth("created_at")).values("month")
        .annotate(checks=Count("pk"), accepted=Count("pk", filter=Q(accepted=True))).order_by("month")])
    top = Table("top-perks", _("Top perks by accepted uses"), [_("Perk"), _("Partner"), _("Accepted uses")], [
        [r["perk__title_pl"], r["partner__business__name"], r["n"]] for r in
        checks.filter(accepted=True).values("perk__title_pl", "partner__business__name")
        .annotate(n=Count("pk")).order_by("-n", "perk__title_pl")[:10]])
    return {
        "headline": {"active_cards": head["active"], "pending_cards": head["pending"], "cards": head["total"],
                     "active_partners": partners, "checks": totals["checks"], "accepted_uses": totals["accepted"]},
        "tables": [new_cards, per_partner, per_month, top],
    }


def partner_figures(partner: Partner, *, days: int = 31) -> dict:
    """A partner's own figures: checks and accepted uses per perk, per day (last `days` days) and per month."""
    from django.utils.translation import gettext as _

    checks = Check.objects.filter(partner=partner)
    totals = checks.aggregate(checks=Count("pk"), accepted=Count("pk", filter=Q(accepted=True)))
    per_perk = Table("per-perk", _("Per perk"), [_("Perk"), _("Checks"), _("Accepted uses")], [
        [r["perk__title_pl"] or _("(no perk named)"), r["checks"], r["accepted"]] for r in
        checks.values("perk__title_pl").annotate(checks=Count("pk"), accepted=Count("pk", filter=Q(accepted=True)))
        .order_by("-accepted", "perk__title_pl")])
    since = today() - dt.timedelta(days=days - 1)
    per_day = Table("per-day", _("Per day"), [_("Day"), _("Checks"), _("Accepted uses")], [
        [r["day"], r["checks"], r["accepted"]] for r in
        checks.filter(day__gte=since).values("day")
        .annotate(checks=Count("pk"), accepted=Count("pk", filter=Q(accepted=True))).order_by("-day")])
    per_month = Table("per-month", _("Per month"), [_("Month"), _("Checks"), _("Accepted uses")], [
        [_month(r["month"]), r["checks"], r["accepted"]] for r in
        checks.annotate(month=TruncMonth("day")).values("month")
        .annotate(checks=Count("pk"), accepted=Count("pk", filter=Q(accepted=True))).order_by("-month")])
    return {"headline": {"checks": totals["checks"], "accepted_uses": totals["accepted"]},
            "tables": [per_perk, per_day, per_month]}

