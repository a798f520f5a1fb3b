"""Moja Starówka: residents' cards, partner businesses, their perks and the checks recorded at the till."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.models import Business, Centre
from core.i18n import bilingual
from core.models import StatusChange

LIVE_STATUSES = ("pending", "active", "suspended")  # a holder has at most one such card per centre



class ProgrammeSettings(models.Model):
    """How the programme runs in one centre: card validity and whether applications are activated at once."""

    centre = models.OneToOneField(Centre, on_delete=models.CASCADE, related_name="loyalty_settings",
                                  verbose_name=_("centre"))
    validity_years = models.PositiveSmallIntegerField(
        _("card validity (years)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How long a card is valid from activation or renewal."))
    auto_activate = models.BooleanField(
        _("activate cards automatically"), default=False,
        help_text=_("When off, the office confirms residence before a card becomes active."))
    reminder_days = models.PositiveSmallIntegerField(
        _("expiry reminder (days before)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)])

    DEFAULT_VALIDITY_YEARS = 2

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")
        constraints = [
            models.CheckConstraint(condition=Q(validity_years__gte=1, validity_years__lte=10),
                                   name="loyalty_settings_validity_range",
                                   violation_error_message=_("A card is valid for 1 to 10 years.")),
        ]

    def __str__(self) -> str:
        return str(self.centre)


class IssuedNumber(models.Model):
    """Every card number ever given out in a centre. A number is drawn at random and kept here for good, so it is
    never given again, even if its card were deleted."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=16)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issued card number")
        verbose_name_plural = _("issued card numbers")
        constraints = [models.UniqueConstraint(fields=["centre", "number"], name="loyalty_number_issued_once")]

    def __str__(self) -> str:
        return self.number


class ProgrammeTerms(models.Model):
    """One version of the programme's terms, as the office publishes it. An application records the version the
    resident accepted; a published version is never edited (publish a new one)."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="loyalty_terms",
                               verbose_name=_("centre"))
    version = models.CharField(_("version"), max_length=20, help_text=_("For example 2026-01."))
    body_pl = models.TextField(_("text (Polish)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    published_at = models.DateTimeField(_("in force from"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme terms")
        verbose_name_plural = _("programme terms")
        ordering = ["-published_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["centre", "version"], name="loyalty_terms_version_unique",
                                               violation_error_message=_("This version already exists."))]

    def __str__(self) -> str:
        return f"{self.centre} · {self.version}"

    @property
    def body(self) -> str:
        return bilingual(self, "body")


class SigningKey(models.Model):
    """A centre's Ed25519 key that signs the QR tokens of its cards. The public half is published (GET
    /api/v1/loyalty/keys/, by key id); the private half is stored encrypted (Fernet, with a key derived from
    SECRET_KEY) and never leaves the server. One current key per centre; a retired key still verifies the tokens
    it signed before its retirement until they expire."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="loyalty_keys",
                               verbose_name=_("centre"))
    kid = models.CharField(_("key id"), max_length=32, unique=True)
    public_key = models.CharField(_("public key"), max_length=64, help_text=_("Raw 32 bytes, base64url."))
    private_key_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["centre"], condition=Q(retired_at__isnull=True),
                                               name="loyalty_one_current_key_per_centre")]

    def __str__(self) -> str:
        return self.kid


class CardQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> CardQuerySet:
        """The one definition of a card valid on a day, as a filter (its twin is `Card.is_valid_on`)."""
        return self.filter(status=Card.Status.ACTIVE, valid_from__lte=day, valid_until__gte=day)


class Card(models.Model):
    """A resident's card in one centre. Personal data lives here (and on the user) and is erased on request."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("card status", "pending")
        ACTIVE = "active", pgettext_lazy("card status", "active")
        SUSPENDED = "suspended", pgettext_lazy("card status", "suspended")
        EXPIRED = "expired", pgettext_lazy("card status", "expired")
        REVOKED = "revoked", pgettext_lazy("card status", "revoked")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="cards", verbose_name=_("centre"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="loyalty_cards",
                               verbose_name=_("holder"))
    number = models.CharField(_("card number"), max_length=16,
                              help_text=_("Ten digits; the last is a Luhn check digit."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    secret = models.CharField(_("token secret"), max_length=32, editable=False,
                              help_text=_("Part of the QR token; a re-issued card has a new one."))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    address = models.CharField(_("address"), max_length=250)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    email = models.EmailField(_("e-mail"))
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    terms = models.ForeignKey(ProgrammeTerms, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("terms version accepted"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaced_by", verbose_name=_("replaces card"))
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("first activated at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = CardQuerySet.as_manager()

    PERSONAL_DATA_FIELDS = ("first_name", "last_name", "address", "postal_code", "city", "email")

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="loyalty_card_unique_number_per_centre",
                                    violation_error_message=_("This card number is already used in the centre.")),
            models.UniqueConstraint(fields=["centre", "holder"], condition=Q(status__in=LIVE_STATUSES),
                                    name="loyalty_card_one_live_per_holder",
                                    violation_error_message=_("You already have a card in this centre.")),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_from__isnull=True)
                                   | Q(valid_until__gte=models.F("valid_from")),
                                   name="loyalty_card_validity_ordered",
                                   violation_error_message=_("The card cannot expire before it becomes valid.")),
            models.CheckConstraint(condition=~Q(status="active")
                                   | Q(valid_from__isnull=False, valid_until__isnull=False),
                                   name="loyalty_card_active_has_validity",
                                   violation_error_message=_("An active card needs its validity dates.")),
        ]
        indexes = [models.Index(fields=["centre", "status"], name="loyalty_card_centre_status")]

    def __str__(self) -> str:
        return self.formatted_number

    @property
    def formatted_number(self) -> str:
        """Groups of digits, as printed on the card and typed at the till."""
        n = self.number
        return " ".join(n[i:i + 4] for i in range(0, len(n), 4))

    @property
    def holder_display(self) -> str:
        """What the till may see: the first name and the initial of the surname."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}".strip()

    def is_valid_on(self, day: dt.date) -> bool:
        """The one definition of a card valid on a day (its twin is `Card.objects.valid_on`)."""
        return (self.status == self.Status.ACTIVE and self.valid_from is not None and self.valid_until is not None
                and self.valid_from <= day <= self.valid_until)


class CardEvent(StatusChange):
    """One move of a card's status (core.workflow's one history shape): who, when, why. Renewals and re-issues
    are recorded here too."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="events", verbose_name=_("card"))
    from_status = models.CharField(_("from"), max_length=30, choices=Card.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=Card.Status.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("card history entry")
        verbose_name_plural = _("card history")

    def __str__(self) -> str:
        return f"{self.card}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class Partner(models.Model):
    """A business enrolled in the programme by the office, under an agreement."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="loyalty_partners",
                               verbose_name=_("centre"))
    business = models.OneToOneField(Business, on_delete=models.PROTECT, related_name="loyalty_partner",
                                    verbose_name=_("business"))
    agreement_start = models.DateField(_("agreement start"))
    agreement_end = models.DateField(_("agreement end"), null=True, blank=True,
                                     help_text=_("Inclusive; empty means open-ended."))
    is_active = models.BooleanField(_("active"), default=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["business__name"]
        constraints = [
            models.CheckConstraint(condition=Q(agreement_end__isnull=True)
                                   | Q(agreement_end__gte=models.F("agreement_start")),
                                   name="loyalty_partner_agreement_ordered",
                                   violation_error_message=_("The agreement cannot end before it starts.")),
        ]

    def __str__(self) -> str:
        return self.business.name

    @property
    def description(self) -> str:
        return bilingual(self, "description")

    def is_current_on(self, day: dt.date) -> bool:
        return (self.is_active and self.agreement_start <= day
                and (self.agreement_end is None or day <= self.agreement_end))


class Perk(models.Model):
    """What a partner gives cardholders. Expired or inactive perks leave public lists but stay in history."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("percent off")
        AMOUNT = "amount", _("amount off (PLN)")
        FREE_ITEM = "free_item", _("free item")
        OTHER = "other", _("other")

    KINDS_WITH_VALUE = (Kind.PERCENT, Kind.AMOUNT)
    ALL_DAYS = 0b1111111  # bit 0 = Monday ... bit 6 = Sunday

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="perks", verbose_name=_("partner"))
    title_pl = models.CharField(_("title (Polish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=2, null=True, blank=True,
                                help_text=_("Percent (1 to 100) or amount in PLN (more than 0); empty for other kinds."))
    conditions_pl = models.TextField(_("conditions (Polish)"), blank=True)
    conditions_en = models.TextField(_("conditions (English)"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Inclusive; empty means open-ended."))
    weekdays = models.PositiveSmallIntegerField(
        _("days of the week"), default=ALL_DAYS,
        help_text=_("Days on which the perk applies (a bit per day, Monday first)."))
    daily_limit_per_card = models.PositiveSmallIntegerField(
        _("uses per person per day"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Counts the holder's uses on all their cards (a re-issued card too). Empty means no limit."))
    monthly_limit = models.PositiveSmallIntegerField(
        _("uses per person per month"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Counts the holder's uses on all their cards in a calendar month. Empty means no limit."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("perk")
        verbose_name_plural = _("perks")
        ordering = ["partner__business__name", "title_pl"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="percent", value__gte=1, value__lte=100) | Q(kind="amount", value__gt=0)
                | Q(kind__in=["free_item", "other"], value__isnull=True),
                name="loyalty_perk_value_fits_kind",
                violation_error_message=_("A percentage must be from 1 to 100, an amount more than 0; "
                                          "other kinds take no value.")),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                                   name="loyalty_perk_period_ordered",
                                   violation_error_message=_("The end date must not be before the start date.")),
            models.CheckConstraint(condition=Q(weekdays__gte=1, weekdays__lte=127), name="loyalty_perk_some_weekday",
                                   violation_error_message=_("Choose at least one day of the week.")),
            models.CheckConstraint(condition=Q(daily_limit_per_card__isnull=True) | Q(daily_limit_per_card__gte=1),
                                   name="loyalty_perk_limit_positive",
                                   violation_error_message=_("The limit of uses per day must be at least 1.")),
            models.CheckConstraint(condition=Q(monthly_limit__isnull=True) | Q(monthly_limit__gte=1),
                                   name="loyalty_perk_monthly_limit_positive",
                                   violation_error_message=_("The limit of uses per month must be at least 1.")),
        ]
        indexes = [models.Index(fields=["partner", "is_active", "valid_from"], name="loyalty_perk_partner_current")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self, "title")

    @property
    def description(self) -> str:
        return bilingual(self, "description")

    @property
    def conditions(self) -> str:
        return bilingual(self, "conditions")

    @property
    def weekday_list(self) -> list[int]:
        """Days of the week (0 = Monday) on which the perk applies."""
        return [d for d in range(7) if self.weekdays & (1 << d)]

    def applies_on(self, day: dt.date) -> bool:
        return (self.is_active and self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
                and bool(self.weekdays & (1 << day.weekday())))


class Check(models.Model):
    """One verification at a till, whatever its outcome. Holds no personal data; survives the holder's erasure."""

    class Result(models.TextChoices):
        VALID = "valid", _("valid")
        UNKNOWN = "unknown", _("unknown card")
        PENDING = "pending", _("card not yet active")
        SUSPENDED = "suspended", _("card suspended")
        EXPIRED = "expired", _("card expired")
        REVOKED = "revoked", _("card revoked")
        TOKEN_EXPIRED = "token_expired", _("code out of date")
        TOKEN_INVALID = "token_invalid", _("code not genuine")
        CODE_INVALID = "code_invalid", _("wrong code for the number")

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        NUMBER_CODE = "number_code", _("number and code")
        NUMBER = "number", _("number only")

    class Refusal(models.TextChoices):
        CARD_NOT_VALID = "card_not_valid", _("the card is not valid")
        PROOF_NEEDED = "proof_needed", _("a number alone cannot use a perk: scan the QR code or type the code")
        NOT_TODAY = "not_today", _("the perk does not apply today")
        LIMIT_REACHED = "limit_reached", _("the daily limit of this perk is reached")
        MONTHLY_LIMIT_REACHED = "monthly_limit_reached", _("the monthly limit of this perk is reached")

    # No index of their own for card and partner: loyalty_check_daily_limit (card, …) and loyalty_check_partner_time
    # (partner, …) lead with them, and every index is one more write on each check the tills record.
    card = models.ForeignKey(Card, on_delete=models.SET_NULL, null=True, blank=True, related_name="checks",
                             verbose_name=_("card"), db_index=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="checks", verbose_name=_("partner"),
                                db_index=False)
    perk = models.ForeignKey(Perk, on_delete=models.PROTECT, null=True, blank=True, related_name="checks",
                             verbose_name=_("perk"))
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    method = models.CharField(_("how the card was shown"), max_length=12, choices=Method.choices,
                              default=Method.QR)
    accepted = models.BooleanField(_("use accepted"), default=False)
    refusal = models.CharField(_("reason for refusal"), max_length=24, choices=Refusal.choices, blank=True)
    offline_client_id = models.UUIDField(_("offline check id"), null=True, blank=True,
                                         help_text=_("Given by the till that checked the card offline; an upload "
                                                     "sent twice is recorded once."))
    checked_at = models.DateTimeField(_("checked at (till's clock)"), null=True, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False,
                                  help_text=_("Accepted offline although the server finds the limit was exceeded."))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("checked by"))
    day = models.DateField(_("day"), help_text=_("The local date of the check: the daily limit counts by it."))
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(accepted=False) | Q(perk__isnull=False, result="valid"),
                                   name="loyalty_check_accepted_needs_valid_perk",
                                   violation_error_message=_("Only a perk on a valid card can be accepted.")),
            models.UniqueConstraint(fields=["partner", "offline_client_id"],
                                    condition=Q(offline_client_id__isnull=False),
                                    name="loyalty_check_offline_once"),
        ]
        indexes = [
            models.Index(fields=["card", "perk", "day"], name="loyalty_check_daily_limit"),
            # The till counts a holder's accepted uses of a perk today and this month from this index only
            # (services._insert_counted_use: perk, then each of the holder's cards, then the days).
            models.Index(fields=["perk", "card", "day"], condition=Q(accepted=True),
                         name="loyalty_check_accepted_uses"),
            models.Index(fields=["partner", "created_at"], name="loyalty_check_partner_time"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} · {self.get_result_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class SuspectedEnumeration(models.Model):
    """A run of unknown typed numbers from one till account (by default 10 in 5 minutes): someone may be walking
    the number space. Shown to the office in the admin; one row per run, updated while the run goes on."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("till account"))
    first_at = models.DateTimeField(_("first unknown number at"))
    last_at = models.DateTimeField(_("last unknown number at"))
    unknown_numbers = models.PositiveIntegerField(_("unknown numbers"))

    class Meta:
        verbose_name = _("suspected number enumeration")
        verbose_name_plural = _("suspected number enumerations")
        ordering = ["-last_at"]

    def __str__(self) -> str:
        return f"{self.partner_id} · {self.unknown_numbers} · {self.last_at:%Y-%m-%d %H:%M}"
