"""Serializers of the mural API: they shape data; the services decide."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centres.models import Business, Centre, Street, Zone
from contests.models import Contest, Phase
from core.fields import ChoiceLabel, OptionalRelatedText, datetime_text, label_text, measure_text

from .models import Artist, Mural, MuralPhoto, MuralStatusChange, Wall

# The services refuse some values with the code "invalid" (a zone of another centre, a taken trail place, a move
# outside the workflow): naming the code on the field puts it in the documented error schema.
SERVICE_ERROR = {"invalid": "The service refused this value."}


class ArtistSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(slug_field="slug", queryset=Centre.objects.all())

    class Meta:
        model = Artist
        fields = ["id", "centre", "name", "slug", "website"]
        read_only_fields = ["slug"]
        validators: list = []


class ArtistBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Artist
        fields = ["id", "name", "website"]


class SponsorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Business
        fields = ["id", "name", "website"]


class PhotoSerializer(serializers.ModelSerializer):
    alt = serializers.CharField(read_only=True)

    class Meta:
        model = MuralPhoto
        fields = ["id", "image", "alt_pl", "alt_en", "alt", "credit", "position"]
        read_only_fields = ["position"]


class MuralSerializer(serializers.ModelSerializer):
    """A mural as the register shows it; writes name artists and sponsors by id."""

    centre = serializers.SlugRelatedField(slug_field="slug", queryset=Centre.objects.all())
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    zone = serializers.PrimaryKeyRelatedField(queryset=Zone.objects.all(), required=False, allow_null=True,
                                              error_messages=SERVICE_ERROR)
    zone_name = OptionalRelatedText(source="zone.name")
    wall = serializers.PrimaryKeyRelatedField(queryset=Wall.objects.all(), required=False, allow_null=True,
                                              error_messages=SERVICE_ERROR)
    artists = serializers.PrimaryKeyRelatedField(queryset=Artist.objects.all(), many=True, required=False,
                                                 error_messages=SERVICE_ERROR)
    artist_details = ArtistBriefSerializer(source="artists", many=True, read_only=True)
    sponsors = serializers.PrimaryKeyRelatedField(queryset=Business.objects.all(), many=True, required=False,
                                                  error_messages=SERVICE_ERROR)
    sponsor_details = SponsorSerializer(source="sponsors", many=True, read_only=True)
    description = serializers.CharField(read_only=True)
    address = serializers.CharField(max_length=250, required=False, allow_blank=True,
                                    help_text="Taken from the wall when empty.")
    area_m2 = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))
    area_display = measure_text("area_m2", "m²", "The mural's area")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=Decimal("-90"),
                                        max_value=Decimal("90"), required=False, allow_null=True,
                                        error_messages=SERVICE_ERROR)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=Decimal("-180"),
                                         max_value=Decimal("180"), required=False, allow_null=True,
                                         error_messages=SERVICE_ERROR)
    trail_order = serializers.IntegerField(min_value=1, max_value=32767, required=False, allow_null=True,
                                           error_messages=SERVICE_ERROR)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Mural
        fields = ["id", "centre", "title", "slug", "status", "status_label", "year", "area_m2", "area_display",
                  "address", "zone",
                  "zone_name", "wall", "artists", "artist_details", "sponsors", "sponsor_details", "description_pl",
                  "description_en", "description", "latitude", "longitude", "trail_order", "winning_entry",
                  "photos", "created_at", "updated_at"]
        read_only_fields = ["slug", "status", "winning_entry", "created_at", "updated_at"]
        # Uniqueness (trail position) is checked by the service with a clear message.
        validators: list = []


class MuralStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Mural.Status.choices, error_messages=SERVICE_ERROR)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, error_messages=SERVICE_ERROR)


class MuralStatusChangeSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField(help_text="Who moved it; null for imported data or an erased account.")
    from_status = serializers.CharField(help_text="Empty for the entry that added the mural to the register.")
    to_status = serializers.CharField()
    from_status_label = ChoiceLabel(Mural.Status.choices, source="from_status",
                                    help_text="The status before, in words; null for the first entry.")
    to_status_label = label_text("get_to_status_display", "The status after")
    created_at_display = datetime_text("created_at", "When")

    class Meta:
        model = MuralStatusChange
        fields = ["id", "from_status", "from_status_label", "to_status", "to_status_label", "by", "created_at",
                  "created_at_display", "note"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by(self, change: MuralStatusChange) -> str | None:
        return str(change.by) if change.by_id else None


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(error_messages=SERVICE_ERROR)
    alt_pl = serializers.CharField(max_length=250, error_messages=SERVICE_ERROR)
    alt_en = serializers.CharField(max_length=250, required=False, allow_blank=True)
    credit = serializers.CharField(max_length=200, required=False, allow_blank=True)


class WallSerializer(serializers.ModelSerializer):
    """A wall with its conditions and its design contest (whether it takes designs now)."""

    centre = serializers.SlugRelatedField(slug_field="slug", queryset=Centre.objects.all())
    street = serializers.PrimaryKeyRelatedField(queryset=Street.objects.all(), required=False, allow_null=True,
                                                error_messages=SERVICE_ERROR)
    zone = serializers.PrimaryKeyRelatedField(queryset=Zone.objects.all(), required=False, allow_null=True,
                                              error_messages=SERVICE_ERROR)
    zone_name = OptionalRelatedText(source="zone.name")
    contest = serializers.PrimaryKeyRelatedField(queryset=Contest.objects.filter(kind=Contest.Kind.MURAL_DESIGN),
                                                 required=False, allow_null=True, error_messages=SERVICE_ERROR)
    contest_title = OptionalRelatedText(source="contest.title")
    conditions = serializers.CharField(read_only=True)
    area_m2 = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    width_m = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    height_m = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    takes_designs = serializers.SerializerMethodField()
    width_display = measure_text("width_m", "m", "The width")
    height_display = measure_text("height_m", "m", "The height")
    area_display = measure_text("area_m2", "m²", "The area")

    class Meta:
        model = Wall
        fields = ["id", "centre", "address", "street", "zone", "zone_name", "building_owner", "width_m",
                  "width_display", "height_m", "height_display", "area_m2", "area_display", "constraints_pl", "constraints_en", "conditions", "photo", "photo_alt", "contest",
                  "contest_title", "takes_designs"]
        read_only_fields = ["photo"]

    @extend_schema_field(serializers.BooleanField())
    def get_takes_designs(self, wall: Wall) -> bool:
        if wall.contest is None:
            return False
        phase = wall.contest.phase(Phase.Kind.ENTRIES)  # phases are prefetched
        return phase is not None and phase.is_open()


class TrailStopSerializer(serializers.ModelSerializer):
    stop = serializers.IntegerField(source="trail_order", read_only=True)
    centre = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    artists = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()

    class Meta:
        model = Mural
        fields = ["stop", "id", "centre", "title", "address", "year", "latitude", "longitude", "artists", "photo"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_artists(self, mural: Mural) -> list[str]:
        return [a.name for a in mural.artists.all()]

    @extend_schema_field(PhotoSerializer(allow_null=True))
    def get_photo(self, mural: Mural) -> dict | None:
        photo = mural.first_photo
        return PhotoSerializer(photo, context=self.context).data if photo else None
