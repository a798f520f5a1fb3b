"""API shapes of the programme. The till's answer carries no personal data beyond a first name and an initial."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centres.models import Business

from . import services
from .models import Card, Check, Partner, Perk


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

    class Meta:
        model = Perk
        fields = ["id", "partner", "partner_name", "centre", "category", "street", "zone", "title", "title_pl",
                  "title_en", "description_pl", "description_en", "kind", "value", "conditions_pl",
                  "conditions_en", "valid_from", "valid_until", "weekdays", "daily_limit_per_card", "is_active"]
        validators: list = []  # the service checks value, dates and days with messages on their fields


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

    class Meta:
        model = Partner
        fields = ["id", "centre", "business", "name", "category", "address", "zone", "website", "description",
                  "agreement_start", "agreement_end", "is_active"]


class CardSerializer(serializers.ModelSerializer):
    centre = serializers.CharField(source="centre.slug", read_only=True)
    formatted_number = serializers.CharField(read_only=True)
    qr_token = serializers.SerializerMethodField(help_text="The signed token of the QR code; only for the holder.")

    class Meta:
        model = Card
        fields = ["id", "centre", "number", "formatted_number", "status", "first_name", "last_name", "address",
                  "postal_code", "city", "email", "valid_from", "valid_until", "replaces", "created_at",
                  "qr_token"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_qr_token(self, card: Card) -> str | None:
        request = self.context.get("request")
        if request is None or card.holder_id != request.user.pk or card.status != Card.Status.ACTIVE:
            return None
        return services.card_token(card)


class CardApplicationSerializer(serializers.Serializer):
    centre = serializers.SlugField(help_text="The centre's slug.")
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    address = serializers.CharField(max_length=250)
    postal_code = serializers.CharField(max_length=10)
    city = serializers.CharField(max_length=100)
    email = serializers.EmailField(required=False, allow_blank=True)
    accept_terms = serializers.BooleanField()


class CardActionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class VerifyRequestSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=500, help_text="The scanned QR token or the typed card number.")
    partner = serializers.IntegerField(required=False, min_value=1, help_text="The partner's id, or give `business`.")
    business = serializers.IntegerField(required=False, min_value=1, help_text="The partner business's id.")
    perk = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                    help_text="The perk being used, if any.")

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("partner") and not attrs.get("business"):
            raise serializers.ValidationError({"partner": "Name the partner (or its business) at whose till you are."})
        return attrs


class PerkBriefSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Perk
        fields = ["id", "title", "kind", "value", "daily_limit_per_card"]


class VerificationSerializer(serializers.Serializer):
    check_id = serializers.IntegerField(source="check.pk")
    result = serializers.ChoiceField(choices=Check.Result.choices)
    valid = serializers.BooleanField()
    reason = serializers.CharField()
    holder = serializers.CharField(help_text="First name and the surname's initial.")
    card_number = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)
    perks_today = PerkBriefSerializer(many=True)
    perk = PerkBriefSerializer(allow_null=True)
    accepted = serializers.BooleanField(allow_null=True)
    refusal = serializers.CharField(allow_blank=True)
    refusal_text = serializers.CharField(allow_blank=True)


class CheckSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.business.name", read_only=True)
    perk_title = serializers.SerializerMethodField()
    card_number = serializers.SerializerMethodField(
        help_text="Shown to the card's holder and the office; never to partners.")
    refusal = serializers.ChoiceField(choices=Check.Refusal.choices, allow_blank=True, read_only=True,
                                      help_text="Why a named perk was not accepted; empty otherwise.")

    class Meta:
        model = Check
        fields = ["id", "created_at", "day", "partner", "partner_name", "perk", "perk_title", "result", "accepted",
                  "refusal", "card_number"]
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
