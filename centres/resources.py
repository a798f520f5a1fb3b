"""Spreadsheet columns of businesses, fee zones and fee rates (django-import-export), for the office's imports.

Rows are matched within the staff's centre: a business by its NIP, a zone by its slug, a rate by zone, use and
start date. Foreign keys are named, not numbered: a street by its name, a zone by its slug.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.resources import CentreLookupWidget, CentreResource, ChoiceWidget, TrimmedCharWidget

from .models import Business, FeeRate, Street, Zone
from .selectors import overlapping_rates
from .services import _unique_business_slug, validate_business
from .validators import normalise_nip


class NipWidget(widgets.CharWidget):
    """A NIP as people type it (dashes, spaces, PL prefix, or a number in Excel) stored as ten digits."""

    def clean(self, value, row=None, **kwargs) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return normalise_nip(str(value).strip())


class BusinessResource(CentreResource):
    nip = fields.Field("nip", "nip", widget=NipWidget())
    name = fields.Field("name", "name", widget=TrimmedCharWidget())
    street = fields.Field("street", "street", widget=CentreLookupWidget(Street, "name", related=("zone",)))
    building_number = fields.Field("building_number", "building_number", widget=TrimmedCharWidget())
    zone = fields.Field("zone", "zone", widget=CentreLookupWidget(Zone, "slug"))
    category = fields.Field("category", "category", widget=ChoiceWidget(Business.Category.choices))
    email = fields.Field("email", "email", widget=TrimmedCharWidget())
    phone = fields.Field("phone", "phone", widget=TrimmedCharWidget())
    website = fields.Field("website", "website", widget=TrimmedCharWidget())
    is_active = fields.Field("is_active", "is_active", widget=widgets.BooleanWidget(), default=True)

    required_columns = ("nip", "name", "street", "building_number", "category", "email")

    class Meta:
        model = Business
        fields = ("nip", "name", "street", "building_number", "zone", "category", "email", "phone", "website",
                  "is_active")
        import_id_fields = ("nip",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False  # validate_business runs the model's checks and the centre's rules

    def get_queryset(self):
        return super().get_queryset().select_related("street", "zone")

    def import_instance(self, instance: Business, row, **kwargs) -> None:
        super().import_instance(instance, row, **kwargs)
        if instance.street_id and not instance.zone_id:
            instance.zone = instance.street.zone  # the zone follows the street unless the file names one
        if not instance.slug and instance.name:
            instance.slug = _unique_business_slug(self.centre, instance.name)

    def validate_instance(self, instance: Business, import_validation_errors=None, validate_unique=True) -> None:
        errors = dict(import_validation_errors or {})
        if errors:  # report the row's other field errors too, so that one pass shows them all
            derived = ["slug", "zone"] if "street" in errors else ["slug"]  # they follow from name and street
            try:
                instance.full_clean(exclude=[*errors, *derived], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        else:
            try:
                validate_business(instance)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class ZoneResource(CentreResource):
    slug = fields.Field("slug", "slug", widget=TrimmedCharWidget())
    name = fields.Field("name", "name", widget=TrimmedCharWidget())
    kind = fields.Field("kind", "kind", widget=ChoiceWidget(Zone.Kind.choices))
    description = fields.Field("description", "description", widget=TrimmedCharWidget())
    max_garden_area_m2 = fields.Field("max_garden_area_m2", "max_garden_area_m2", widget=widgets.DecimalWidget())
    min_pedestrian_width_m = fields.Field("min_pedestrian_width_m", "min_pedestrian_width_m",
                                          widget=widgets.DecimalWidget())

    required_columns = ("slug", "name", "kind")

    class Meta:
        model = Zone
        fields = ("slug", "name", "kind", "description", "max_garden_area_m2", "min_pedestrian_width_m")
        import_id_fields = ("slug",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def import_instance(self, instance: Zone, row, **kwargs) -> None:
        super().import_instance(instance, row, **kwargs)
        if instance.slug:
            instance.slug = slugify(instance.slug)


class FeeRateResource(CentreResource):
    centre_path = "zone__centre"

    zone = fields.Field("zone", "zone", widget=CentreLookupWidget(Zone, "slug"))
    use = fields.Field("use", "use", widget=ChoiceWidget(FeeRate.Use.choices))
    price_pln = fields.Field("price_pln", "price_pln", widget=widgets.DecimalWidget())
    valid_from = fields.Field("valid_from", "valid_from", widget=widgets.DateWidget())
    valid_to = fields.Field("valid_to", "valid_to", widget=widgets.DateWidget())
    resolution = fields.Field("resolution", "resolution", widget=TrimmedCharWidget())

    required_columns = ("zone", "use", "price_pln", "valid_from")

    class Meta:
        model = FeeRate
        fields = ("zone", "use", "price_pln", "valid_from", "valid_to", "resolution")
        import_id_fields = ("zone", "use", "valid_from")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("zone")

    def validate_instance(self, instance: FeeRate, import_validation_errors=None, validate_unique=True) -> None:
        """The model's checks, then the rule of `services.create_fee_rate`: no overlap within a zone and use."""
        super().validate_instance(instance, import_validation_errors, validate_unique)
        clash = overlapping_rates(zone=instance.zone, use=instance.use, valid_from=instance.valid_from,
                                  valid_to=instance.valid_to, exclude_pk=instance.pk).first()
        if clash is not None:
            raise ValidationError({"valid_from": _("This period overlaps the rate valid from %(start)s "
                                                   "(%(price)s PLN).") % {"start": clash.valid_from.isoformat(),
                                                                          "price": clash.price_pln}})
