from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import date_text, label_text, measure_text, money_text

from .models import Business, Centre, FeeRate, Street, Zone
from .validators import normalise_nip, validate_nip


class CentreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Centre
        fields = ["id", "slug", "code", "name", "city", "office_name", "address", "email", "phone", "website"]


class FeeRateSerializer(serializers.ModelSerializer):
    use_label = label_text("get_use_display", "The use")
    price_display = money_text("price_pln", "The price per m² per day")
    valid_from_display = date_text("valid_from", "The first day")
    valid_to_display = date_text("valid_to", "The last day")

    class Meta:
        model = FeeRate
        fields = ["id", "zone", "use", "use_label", "price_pln", "price_display", "valid_from", "valid_from_display",
                  "valid_to", "valid_to_display", "resolution"]

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("valid_from"), attrs.get("valid_to")
        if start and end and end < start:
            raise serializers.ValidationError({"valid_to": "The end date must not be before the start date."})
        return attrs


class CurrentRateSerializer(serializers.ModelSerializer):
    use_label = label_text("get_use_display", "The use")
    price_display = money_text("price_pln", "The price per m² per day")
    valid_from_display = date_text("valid_from", "The first day")
    valid_to_display = date_text("valid_to", "The last day")

    class Meta:
        model = FeeRate
        fields = ["use", "use_label", "price_pln", "price_display", "valid_from", "valid_from_display", "valid_to",
                  "valid_to_display", "resolution"]


class ZoneSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(slug_field="slug", queryset=Centre.objects.all())
    streets = serializers.SerializerMethodField()
    current_rates = serializers.SerializerMethodField()
    kind_label = label_text("get_kind_display", "The kind of zone")
    max_garden_area_display = measure_text("max_garden_area_m2", "m²", "The largest garden")
    min_pedestrian_width_display = measure_text("min_pedestrian_width_m", "m", "The narrowest pavement left free")

    class Meta:
        model = Zone
        fields = ["id", "centre", "slug", "name", "kind", "kind_label", "description", "max_garden_area_m2",
                  "max_garden_area_display", "min_pedestrian_width_m", "min_pedestrian_width_display", "streets",
                  "current_rates"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_streets(self, zone: Zone) -> list[str]:
        return [s.name for s in zone.streets.all()]

    @extend_schema_field(CurrentRateSerializer(many=True))
    def get_current_rates(self, zone: Zone) -> list[dict]:
        rates = getattr(zone, "current_rates", None)
        return CurrentRateSerializer(rates or [], many=True).data


class BusinessSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(slug_field="slug", queryset=Centre.objects.all())
    street = serializers.PrimaryKeyRelatedField(queryset=Street.objects.all())
    street_name = serializers.CharField(source="street.name", read_only=True)
    zone = serializers.PrimaryKeyRelatedField(queryset=Zone.objects.all(), required=False)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    nip = serializers.CharField(max_length=20, help_text="Ten digits with a valid check digit; dashes and PL allowed.")
    category_label = label_text("get_category_display", "The category")

    class Meta:
        model = Business
        fields = ["id", "centre", "slug", "name", "nip", "street", "street_name", "building_number", "zone",
                  "zone_name", "category", "category_label", "email", "phone", "website", "is_active"]
        read_only_fields = ["slug"]
        # NIP uniqueness per centre is checked by the service with a clear message.
        validators: list = []

    def validate_nip(self, value: str) -> str:
        value = normalise_nip(value)
        validate_nip(value)  # a Django ValidationError here is the field's error, its code kept (DRF converts it)
        return value
