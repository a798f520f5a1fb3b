from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Business, Centre, FeeRate, Street, Zone
from .validators import normalise_nip, validate_nip


class CentreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Centre
        fields = ["id", "slug", "code", "name", "city", "office_name", "address", "email", "phone", "website"]


class FeeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeRate
        fields = ["id", "zone", "use", "price_pln", "valid_from", "valid_to", "resolution"]

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("valid_from"), attrs.get("valid_to")
        if start and end and end < start:
            raise serializers.ValidationError({"valid_to": "The end date must not be before the start date."})
        return attrs


class CurrentRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeRate
        fields = ["use", "price_pln", "valid_from", "valid_to", "resolution"]


class ZoneSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(slug_field="slug", queryset=Centre.objects.all())
    streets = serializers.SerializerMethodField()
    current_rates = serializers.SerializerMethodField()

    class Meta:
        model = Zone
        fields = ["id", "centre", "slug", "name", "kind", "description", "max_garden_area_m2",
                  "min_pedestrian_width_m", "streets", "current_rates"]

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

    class Meta:
        model = Business
        fields = ["id", "centre", "slug", "name", "nip", "street", "street_name", "building_number", "zone",
                  "zone_name", "category", "email", "phone", "website", "is_active"]
        read_only_fields = ["slug"]
        # NIP uniqueness per centre is checked by the service with a clear message.
        validators: list = []

    def validate_nip(self, value: str) -> str:
        value = normalise_nip(value)
        validate_nip(value)  # a Django ValidationError here is the field's error, its code kept (DRF converts it)
        return value
