"""API shapes of the programme. The till's answer carries no personal data beyond a first name and an initial."""

from __future__ import annotations

import functools

import segno
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centres.models import Business
from core import formats
from core.fields import ChoiceLabel, date_text, datetime_text, label_text
from core.serializers import PlainFieldsSerializer, TextField

from .models import Card, Check, Partner, Perk


def qr_svg(token: str, card: Card) -> str:
    """The QR code of a token as inline SVG, titled for screen readers (My card and its `code` endpoint)."""
    return segno.make(token, error="m").svg_inline(
        scale=4, border=2, dark="#000", light="#fff",
        title=_("QR code of card %(number)s") % {"number": card.formatted_number})


class WeekdaysField(serializers.ListField):
    """Days of the week as numbers (0 = Monday ... 6 = Sunday), stored as a bit mask."""

    child = serializers.IntegerField(min_value=0, max_value=6)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("allow_empty", False)
        super().__init__(**kwargs)

    def to_representation(self, value: int) -> list[int]:
        return [d for d in range(7) if value & (1 << d)]

    def to_internal_value(self, data) -> int:
        days = super().to_internal_value(data)
        return sum(1 << d for d in set(days))


class PerkSerializer(serializers.ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.select_related("business"))
    partner_name = serializers.CharField(source="partner.business.name", read_only=True)
    centre = serializers.CharField(source="partner.centre.slug", read_only=True)
    category = serializers.CharField(source="partner.business.category", read_only=True)
    street = serializers.CharField(source="partner.business.street.name", read_only=True)
    zone = serializers.CharField(source="partner.business.zone.slug", read_only=True)
    title = serializers.CharField(read_only=True)
    weekdays = WeekdaysField(required=False)
    category_label = ChoiceLabel(Business.Category.choices, source="partner.business.category",
                                 help_text="The partner's category in words, in the client's language.")
    kind_label = label_text("get_kind_display", "The kind of perk")
    value_display = serializers.SerializerMethodField(
        help_text="The perk's value for people, in the client's language: \"10%\", \"5,00 zł\" / \"PLN 5.00\"; "
                  "null for kinds without a value.")
    valid_from_display = date_text("valid_from", "The first day")
    valid_until_display = date_text("valid_until", "The last day (null: open-ended)")

    class Meta:
        model = Perk
        fields = ["id", "partner", "partner_name", "centre", "category", "category_label", "street", "zone", "title",
                  "title_pl", "title_en", "description_pl", "description_en", "kind", "kind_label", "value",
                  "value_display", "conditions_pl", "conditions_en", "valid_from", "valid_from_display",
                  "valid_until", "valid_until_display", "weekdays", "daily_limit_per_card", "monthly_limit",
                  "is_active"]
        validators: list = []  # the service checks value, dates and days with messages on their fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_value_display(self, perk: Perk) -> str | None:
        if perk.value is None:
            return None
        if perk.kind == Perk.Kind.PERCENT:
            return formats.percent(perk.value)
        if perk.kind == Perk.Kind.AMOUNT:
            return formats.money(perk.value)
        return None


class PartnerSerializer(serializers.ModelSerializer):
    centre = serializers.CharField(source="centre.slug", read_only=True)
    name = serializers.CharField(source="business.name", read_only=True)
    category = serializers.ChoiceField(source="business.category", choices=Business.Category.choices,
                                       read_only=True)
    address = serializers.CharField(source="business.address", read_only=True)
    zone = serializers.CharField(source="business.zone.slug", read_only=True)
    website = serializers.CharField(source="business.website", read_only=True,
                                    help_text="The business's website address; empty when it has none.")
    description = serializers.CharField(read_only=True)
    category_label = ChoiceLabel(Business.Category.choices, source="business.category",
                                 help_text="The category in words, in the client's language.")
    agreement_start_display = date_text("agreement_start", "The agreement's first day")
    agreement_end_display = date_text("agreement_end", "The agreement's last day (null: open-ended)")

    class Meta:
        model = Partner
        fields = ["id", "centre", "business", "name", "category", "category_label", "address", "zone", "website",
                  "description", "agreement_start", "agreement_start_display", "agreement_end",
                  "agreement_end_display", "is_active"]


class CardSerializer(serializers.ModelSerializer):
    centre = serializers.CharField(source="centre.slug", read_only=True)
    formatted_number = serializers.CharField(read_only=True)
    terms_version = serializers.CharField(source="terms.version", read_only=True, allow_null=True, default=None,
                                          help_text="The version of the programme's terms the holder accepted.")
    status_label = label_text("get_status_display", "The card's status")
    valid_from_display = date_text("valid_from", "The first day of validity")
    valid_until_display = date_text("valid_until", "The last day of validity")
    created_at_display = datetime_text("created_at", "When the card was applied for")

    class Meta:
        model = Card
        fields = ["id", "centre", "number", "formatted_number", "status", "status_label", "first_name", "last_name",
                  "address", "postal_code", "city", "email", "valid_from", "valid_from_display", "valid_until",
                  "valid_until_display", "replaces", "created_at", "created_at_display", "terms_version"]
        read_only_fields = fields


class CardCodeSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The signed token in the QR code (MS1.<kid>.<payload>.<signature>).")
    code = serializers.CharField(help_text="The 6-digit code under the QR code: number + code proves the card.")
    kid = serializers.CharField(help_text="The id of the key that signed the token.")
    issued_at = serializers.IntegerField(help_text="Unix seconds.")
    expires_at = serializers.IntegerField(help_text="Unix seconds; the token and code are refused after it.")
    refresh_at = serializers.IntegerField(help_text="Unix seconds: fetch the next token then.")
    svg = serializers.CharField(help_text="The QR code as inline SVG.")


class CardApplicationSerializer(serializers.Serializer):
    centre = serializers.SlugField(help_text="The centre's slug.")
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    address = serializers.CharField(max_length=250)
    postal_code = serializers.CharField(max_length=10)
    city = serializers.CharField(max_length=100)
    email = serializers.EmailField(required=False, allow_blank=True)
    accept_terms = serializers.BooleanField()
    terms_version = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                          help_text="The version of the terms the resident read (optional).")


class CardActionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class VerifyRequestSerializer(PlainFieldsSerializer):
    token = TextField(max_length=1000, required=False, allow_blank=True,
                      help_text="The scanned QR token (proves the card).")
    number = TextField(max_length=40, required=False, allow_blank=True,
                       help_text="The typed card number (spaces and dashes allowed).")
    code = TextField(max_length=12, required=False, allow_blank=True,
                     help_text="The 6-digit code under the QR code; with `number` it proves the card.")
    partner = serializers.IntegerField(required=False, min_value=1, help_text="The partner's id, or give `business`.")
    business = serializers.IntegerField(required=False, min_value=1, help_text="The partner business's id.")
    perk = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                    help_text="The perk being used, if any (needs a proof).")

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("partner") and not attrs.get("business"):
            raise serializers.ValidationError(
                {"partner": serializers.ErrorDetail("Name the partner (or its business) at whose till you are.",
                                                    code="required")})
        return attrs


class OfflineCheckSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(help_text="Made by the device; the same id is recorded once.")
    token = serializers.CharField(max_length=1000)
    checked_at = serializers.DateTimeField(help_text="When the device checked the card (its clock).")
    perk = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    accepted = serializers.BooleanField(default=False, help_text="Whether the device accepted the perk.")


class OfflineUploadSerializer(serializers.Serializer):
    partner = serializers.IntegerField(required=False, min_value=1)
    business = serializers.IntegerField(required=False, min_value=1)
    checks = OfflineCheckSerializer(many=True, allow_empty=False)

    def validate(self, attrs: dict) -> dict:
        return VerifyRequestSerializer.validate(self, attrs)


class OfflineResultSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    check_id = serializers.IntegerField()
    duplicate = serializers.BooleanField(help_text="Already recorded by an earlier upload.")
    result = serializers.ChoiceField(choices=Check.Result.choices)
    accepted = serializers.BooleanField()
    flagged = serializers.BooleanField(help_text="Accepted on the device although the holder's limit was reached.")


class OfflineUploadResultSerializer(serializers.Serializer):
    results = OfflineResultSerializer(many=True)


class PublicKeySerializer(serializers.Serializer):
    kid = serializers.CharField()
    centre = serializers.SlugField()
    algorithm = serializers.CharField(help_text="Always Ed25519.")
    public_key = serializers.CharField(help_text="The raw 32-byte public key, base64url without padding.")
    created_at = serializers.DateTimeField()
    retired_at = serializers.DateTimeField(allow_null=True,
                                           help_text="Tokens it signed before this stay valid until they expire.")


class KeysSerializer(serializers.Serializer):
    window_seconds = serializers.IntegerField(help_text="How long a token lives.")
    step_seconds = serializers.IntegerField(help_text="How often a new token is issued.")
    keys = PublicKeySerializer(many=True)


class RevocationsQuerySerializer(serializers.Serializer):
    partner = serializers.IntegerField(required=False, min_value=1)
    business = serializers.IntegerField(required=False, min_value=1)
    since = serializers.IntegerField(required=False, min_value=0, default=0,
                                     help_text="The `cursor` of your last copy; 0 for the whole list.")

    def validate(self, attrs: dict) -> dict:
        return VerifyRequestSerializer.validate(self, attrs)


class StatusChangeSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Card.Status.choices)


class RevocationsSerializer(serializers.Serializer):
    cursor = serializers.IntegerField(help_text="Give it as `since` next time.")
    more = serializers.BooleanField(help_text="More changes follow: ask again with the cursor.")
    changes = StatusChangeSerializer(many=True)


class PerkBriefSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Perk
        fields = ["id", "title", "kind", "value", "daily_limit_per_card", "monthly_limit"]


class VerificationSerializer(serializers.Serializer):
    check_id = serializers.IntegerField(source="check.pk")
    result = serializers.ChoiceField(choices=Check.Result.choices)
    method = serializers.ChoiceField(choices=Check.Method.choices,
                                     help_text="qr or number_code prove the card; a number alone does not.")
    outcome = serializers.ChoiceField(choices=[("green", "green"), ("amber", "amber"), ("red", "red")],
                                      help_text="green: valid (and the perk accepted); amber: valid, perk refused; "
                                                "red: not valid.")
    valid = serializers.BooleanField()
    reason = serializers.CharField()
    holder = serializers.CharField(help_text="First name and the surname's initial; empty without a proof.")
    card_number = serializers.CharField(help_text="Empty without a proof.")
    valid_until = serializers.DateField(allow_null=True)
    perks_today = PerkBriefSerializer(many=True)
    perk = PerkBriefSerializer(allow_null=True)
    accepted = serializers.BooleanField(allow_null=True)
    refusal = serializers.CharField(allow_blank=True)
    refusal_text = serializers.CharField(allow_blank=True)


@functools.cache
def _perk_value_field() -> serializers.DecimalField:
    return PerkBriefSerializer().fields["value"]  # the perk's value exactly as PerkBriefSerializer writes it


def _perk_brief(perk: Perk) -> dict:
    """PerkBriefSerializer's output for the perk in the active language. The till's perks come with the cached
    token identity, the same instances request after request, and every answer lists them: the brief is kept on
    the instance, under the language and the very values it is made of (an instance changed in place makes a
    new one)."""
    made_of = (translation.get_language(), perk.pk, perk.title_pl, perk.title_en, perk.kind, perk.value,
               perk.daily_limit_per_card, perk.monthly_limit)
    kept = perk.__dict__.get("_till_brief")
    if kept is None or kept[0] != made_of:
        brief = {"id": perk.pk, "title": str(perk.title), "kind": str(perk.kind),
                 "value": None if perk.value is None else _perk_value_field().to_representation(perk.value),
                 "daily_limit_per_card": perk.daily_limit_per_card, "monthly_limit": perk.monthly_limit}
        kept = perk.__dict__["_till_brief"] = (made_of, brief)
    return dict(kept[1])  # the caller's own copy


def verification_data(outcome) -> dict:
    """The till's answer (services.Verification) in VerificationSerializer's shape, which documents it, written
    as a plain dict: the hot path skips building a serializer per request. Identical output is tested."""
    return {
        "check_id": outcome.check.pk, "result": str(outcome.result), "method": str(outcome.method),
        "outcome": outcome.outcome, "valid": bool(outcome.valid), "reason": str(outcome.reason),
        "holder": str(outcome.holder), "card_number": str(outcome.card_number),
        "valid_until": outcome.valid_until.isoformat() if outcome.valid_until is not None else None,
        "perks_today": [_perk_brief(p) for p in outcome.perks_today],
        "perk": _perk_brief(outcome.perk) if outcome.perk is not None else None,
        "accepted": None if outcome.accepted is None else bool(outcome.accepted),
        "refusal": str(outcome.refusal), "refusal_text": str(outcome.refusal_text),
    }


class CheckSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.business.name", read_only=True)
    perk_title = serializers.SerializerMethodField()
    card_number = serializers.SerializerMethodField(
        help_text="Shown to the card's holder and the office; never to partners.")
    refusal = serializers.ChoiceField(choices=Check.Refusal.choices, allow_blank=True, read_only=True,
                                      help_text="Why a named perk was not accepted; empty otherwise.")
    created_at_display = datetime_text("created_at", "When the card was checked")
    result_label = label_text("get_result_display", "The result")
    method_label = label_text("get_method_display", "How the card was shown")
    refusal_text = ChoiceLabel(Check.Refusal.choices, source="refusal",
                               help_text="Why the perk was not accepted, in words of the client's language; null "
                                         "when it was.")

    class Meta:
        model = Check
        fields = ["id", "created_at", "created_at_display", "day", "partner", "partner_name", "perk", "perk_title",
                  "result", "result_label", "method", "method_label", "accepted", "refusal", "refusal_text",
                  "flagged", "checked_at", "card_number"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_perk_title(self, check: Check) -> str | None:
        return check.perk.title if check.perk_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_card_number(self, check: Check) -> str | None:
        user = self.context["request"].user
        card = check.card
        if card is None:
            return None
        if card.holder_id == user.pk or check.partner.centre_id in self.context.get("staff_of", set()):
            return card.number
        return None


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))


class FiguresSerializer(serializers.Serializer):
    headline = serializers.DictField(child=serializers.IntegerField())
    tables = TableSerializer(many=True)


class OfficeFiguresQuerySerializer(serializers.Serializer):
    centre = serializers.SlugField(required=False, help_text="The centre's slug; your first centre if omitted.")


class PartnerFiguresQuerySerializer(serializers.Serializer):
    partner = serializers.IntegerField(required=False, min_value=1,
                                       help_text="The partner's id; your first partner if omitted.")
