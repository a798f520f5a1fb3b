"""API shapes of the gardens app. Thin: validation of the garden's rules lives in services."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from centres.models import Street, Zone
from centres.selectors import managed_businesses
from core.fields import (
    ChoiceLabel,
    OptionalRelatedText,
    date_text,
    datetime_text,
    label_text,
    measure_text,
    money_text,
    percent_text,
)

from .models import (
    AestheticRule,
    ApplicationHistory,
    Attachment,
    GardenApplication,
    GreenDiscountTier,
    GreeneryEvidence,
    GreeneryKind,
    Inspection,
    InspectionResult,
    RuleDeclaration,
    Season,
)


class TierSerializer(serializers.ModelSerializer):
    percent_display = percent_text("percent", "The discount")

    class Meta:
        model = GreenDiscountTier
        fields = ["min_kinds", "percent", "percent_display"]


class SeasonSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    discount_tiers = TierSerializer(many=True, read_only=True)
    summer_start_display = date_text("summer_start", "The summer season's first day")
    summer_end_display = date_text("summer_end", "The summer season's last day")
    winter_start_display = date_text("winter_start", "The winter season's first day")
    winter_end_display = date_text("winter_end", "The winter season's last day")

    class Meta:
        model = Season
        fields = ["id", "centre", "year", "summer_start", "summer_start_display", "summer_end", "summer_end_display",
                  "winter_start", "winter_start_display", "winter_end", "winter_end_display", "is_open",
                  "discount_tiers"]


class RuleSerializer(serializers.ModelSerializer):
    season_year = serializers.IntegerField(source="season.year", read_only=True)
    centre = serializers.CharField(source="season.centre.slug", read_only=True)

    class Meta:
        model = AestheticRule
        fields = ["id", "season", "season_year", "centre", "code", "title_pl", "title_en", "text_pl", "text_en",
                  "category", "checked_by", "order"]


class RatePeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=8, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    start_display = date_text("start", "The first day")
    end_display = date_text("end", "The last day")
    rate_display = money_text("rate", "The rate per m² per day")
    amount_display = money_text("amount", "The amount")


class FeeBreakdownSerializer(serializers.Serializer):
    """The fee: days, the rate periods, gross, the green discount and the total (rounded once)."""

    area_m2 = serializers.DecimalField(max_digits=9, decimal_places=2)
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    periods = RatePeriodSerializer(many=True)
    greenery_kinds = serializers.ListField(child=serializers.ChoiceField(choices=GreeneryKind.choices))
    gross = serializers.DecimalField(max_digits=12, decimal_places=2)
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    discount = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    area_display = measure_text("area_m2", "m²", "The area")
    start_display = date_text("start", "The first day")
    end_display = date_text("end", "The last day")
    greenery_labels = serializers.SerializerMethodField(help_text="The greenery kinds in words, client's language.")
    gross_display = money_text("gross", "The fee before the discount")
    discount_percent_display = percent_text("discount_percent", "The green discount")
    discount_display = money_text("discount", "The green discount")
    total_display = money_text("total", "The fee to pay")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_greenery_labels(self, quote: dict) -> list[str]:
        labels = dict(GreeneryKind.choices)
        return [str(labels.get(kind, kind)) for kind in quote.get("greenery_kinds", [])]


class FeeQuoteRequestSerializer(serializers.Serializer):
    zone = serializers.PrimaryKeyRelatedField(queryset=Zone.objects.all())
    area_m2 = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("0.01"))
    start = serializers.DateField()
    end = serializers.DateField()
    greenery = serializers.ListField(child=serializers.ChoiceField(choices=GreeneryKind.choices), required=False,
                                     default=list)


class HistorySerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()
    from_status_label = ChoiceLabel(GardenApplication.Status.choices, source="from_status",
                                    help_text="The status before, in words; null for the first entry.")
    to_status_label = label_text("get_to_status_display", "The status after")
    created_at_display = datetime_text("created_at", "When")

    class Meta:
        model = ApplicationHistory
        fields = ["id", "from_status", "from_status_label", "to_status", "to_status_label", "by", "created_at",
                  "created_at_display", "note"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by(self, entry: ApplicationHistory) -> str | None:
        return str(entry.by) if entry.by_id else None


class DeclarationSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleDeclaration
        fields = ["rule", "complies", "comment"]
        extra_kwargs = {"rule": {"queryset": AestheticRule.objects.all()}}
        validators: list = []

    def validate(self, attrs: dict) -> dict:
        # A PATCH makes nested fields optional too (DRF passes `partial` down), but a declaration names its rule
        # whatever the method: without this a PATCH with `[{"complies": true}]` reached the view without a rule.
        if "rule" not in attrs:
            raise serializers.ValidationError(
                {"rule": [ErrorDetail(str(self.fields["rule"].error_messages["required"]), code="required")]})
        return attrs


class AttachmentSerializer(serializers.ModelSerializer):
    kind_label = label_text("get_kind_display", "The kind of attachment")

    class Meta:
        model = Attachment
        fields = ["id", "kind", "kind_label", "original_name", "content_type", "size", "uploaded_at"]


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    file = serializers.FileField()


class GreeneryEvidenceSerializer(serializers.ModelSerializer):
    kind_label = label_text("get_kind_display", "The kind of greenery")
    photo = serializers.CharField(source="reference", read_only=True,
                                  help_text="The photo: attachment:<id> or inspection_photo:<id>.")

    class Meta:
        model = GreeneryEvidence
        fields = ["kind", "kind_label", "photo", "confirmed_at"]


class ApplicationSerializer(serializers.ModelSerializer):
    """Read and write of the garden's data; status, fee and permit fields are read-only (set by the workflow)."""

    greenery_evidence = GreeneryEvidenceSerializer(many=True, read_only=True,
                                                   help_text="The photo each confirmed kind of greenery rests on.")
    greenery = serializers.ListField(child=serializers.ChoiceField(choices=GreeneryKind.choices), required=False,
                                     help_text=_("Declared greenery kinds."))
    confirmed_greenery = serializers.SerializerMethodField()
    declarations = DeclarationSerializer(many=True, required=False)
    business_name = serializers.CharField(source="business.name", read_only=True)
    season_year = serializers.IntegerField(source="season.year", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    street_name = OptionalRelatedText(source="street.name")
    fee = serializers.JSONField(source="fee_breakdown", read_only=True)
    status_label = label_text("get_status_display", "The application's status")
    area_display = measure_text("area_m2", "m²", "The area")
    period_start_display = date_text("period_start", "The garden's first day")
    period_end_display = date_text("period_end", "The garden's last day")
    fee_gross_display = money_text("fee_gross", "The fee before the discount")
    fee_discount_percent_display = percent_text("fee_discount_percent", "The green discount")
    fee_discount_display = money_text("fee_discount", "The green discount")
    fee_total_display = money_text("fee_total", "The fee to pay")
    submitted_at_display = datetime_text("submitted_at", "When it was submitted")
    decided_at_display = datetime_text("decided_at", "When it was decided")

    class Meta:
        model = GardenApplication
        fields = ["id", "business", "business_name", "season", "season_year", "zone", "zone_name", "street",
                  "street_name", "address", "building_number", "placement", "outline", "outline_area_m2", "area_m2",
                  "area_display", "length_m", "width_m", "period_start", "period_start_display", "period_end",
                  "period_end_display", "pedestrian_width_m", "furniture", "tables",
                  "seats", "umbrella_colour", "furniture_colour", "umbrella_height_m", "enclosure_height_m",
                  "greenery", "confirmed_greenery", "greenery_evidence", "declarations",
                  "status", "status_label", "permit_number", "fee_days", "fee_gross", "fee_gross_display",
                  "fee_discount_percent", "fee_discount_percent_display", "fee_discount", "fee_discount_display",
                  "fee_total", "fee_total_display", "fee", "submitted_at", "submitted_at_display", "decided_at",
                  "decided_at_display", "revoked_at", "revocation_reason",
                  "created_at", "updated_at"]
        read_only_fields = ["status", "permit_number", "outline_area_m2", "fee_days", "fee_gross", "fee_discount_percent",
                            "fee_discount", "fee_total", "submitted_at", "decided_at", "revoked_at",
                            "revocation_reason", "created_at", "updated_at"]
        extra_kwargs = {
            "business": {"queryset": GardenApplication._meta.get_field("business").related_model.objects.none()},
            "zone": {"queryset": Zone.objects.all(), "required": False},
            "street": {"queryset": Street.objects.all()},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "business" in self.fields:
            self.fields["business"].queryset = managed_businesses(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple) and "business" in self.fields:
            self.fields["business"].read_only = True
            self.fields["season"].read_only = True

    def to_representation(self, instance: GardenApplication) -> dict:
        data = super().to_representation(instance)
        data["greenery"] = sorted(instance.declared_greenery_kinds())
        return data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=GreeneryKind.choices)))
    def get_confirmed_greenery(self, application: GardenApplication) -> list[str]:
        return sorted(application.confirmed_greenery_kinds())


class ApplicationListSerializer(ApplicationSerializer):
    """A list row: without declarations."""

    class Meta(ApplicationSerializer.Meta):
        fields = [f for f in ApplicationSerializer.Meta.fields if f not in ("declarations", "fee", "greenery_evidence")]


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ApproveSerializer(TransitionSerializer):
    confirmed_greenery = serializers.ListField(child=serializers.ChoiceField(choices=GreeneryKind.choices),
                                               required=True, allow_empty=True,
                                               help_text=_("Greenery the office confirmed; only this counts."))
    greenery_evidence = serializers.DictField(
        child=serializers.CharField(max_length=40), required=False,
        help_text=_("For each confirmed kind, the photo that shows it: \"attachment:<id>\" (one of the application's "
                    "images) or \"inspection_photo:<id>\" (a photo of one of its inspections)."))


class NextSeasonSerializer(serializers.Serializer):
    season = serializers.PrimaryKeyRelatedField(queryset=Season.objects.all())


class PermitSerializer(serializers.ModelSerializer):
    """A permit in the public register: what is allowed where, without personal data."""

    business = serializers.CharField(source="business.name")
    street = OptionalRelatedText(source="street.name")
    zone = serializers.CharField(source="zone.name")
    year = serializers.IntegerField(source="season.year")
    area_display = measure_text("area_m2", "m²", "The area")
    period_start_display = date_text("period_start", "The garden's first day")
    period_end_display = date_text("period_end", "The garden's last day")

    class Meta:
        model = GardenApplication
        fields = ["permit_number", "business", "street", "address", "zone", "area_m2", "area_display",
                  "period_start", "period_start_display", "period_end", "period_end_display", "year"]


class InspectionResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionResult
        fields = ["rule", "kept", "note"]
        extra_kwargs = {"rule": {"queryset": AestheticRule.objects.all()}}
        validators: list = []


class InspectionSerializer(serializers.ModelSerializer):
    results = InspectionResultSerializer(many=True)
    inspector = serializers.StringRelatedField()
    permit_number = serializers.CharField(source="application.permit_number", read_only=True)
    kind_label = label_text("get_kind_display", "The kind of inspection")
    inspected_on_display = date_text("inspected_on", "The day of the inspection")

    class Meta:
        model = Inspection
        fields = ["id", "application", "permit_number", "kind", "kind_label", "inspected_on",
                  "inspected_on_display", "inspector", "note", "results",
                  "missing_greenery", "created_at"]
        read_only_fields = ["inspector", "created_at"]
