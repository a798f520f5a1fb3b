"""Spreadsheet columns of partners and perks (django-import-export), for the office's imports and exports.

A partner is named by its business's NIP within the staff's centre; a perk by its partner's NIP and Polish title.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from centres.models import Business
from centres.resources import NipWidget
from core.resources import CentreLookupWidget, CentreResource, ChoiceWidget, TrimmedCharWidget

from . import services
from .models import Partner, Perk


class NipLookupWidget(CentreLookupWidget):
    """A business or partner named by a NIP typed as people type it (dashes, PL prefix, a number in Excel)."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(NipWidget().clean(value), row, **kwargs)

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return value.nip if isinstance(value, Business) else value.business.nip


class PartnerResource(CentreResource):
    business = fields.Field("business", "business_nip", widget=NipLookupWidget(Business, "nip"))
    agreement_start = fields.Field("agreement_start", "agreement_start", widget=widgets.DateWidget())
    agreement_end = fields.Field("agreement_end", "agreement_end", widget=widgets.DateWidget())
    is_active = fields.Field("is_active", "is_active", widget=widgets.BooleanWidget(), default=True)
    description_pl = fields.Field("description_pl", "description_pl", widget=TrimmedCharWidget())
    description_en = fields.Field("description_en", "description_en", widget=TrimmedCharWidget())

    required_columns = ("business_nip", "agreement_start")

    class Meta:
        model = Partner
        fields = ("business", "agreement_start", "agreement_end", "is_active", "description_pl", "description_en")
        import_id_fields = ("business",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def get_queryset(self):
        return super().get_queryset().select_related("business")

    def validate_instance(self, instance: Partner, import_validation_errors=None, validate_unique=True) -> None:
        errors = dict(import_validation_errors or {})
        if not errors:
            try:
                services.validate_partner(instance)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class PerkResource(CentreResource):
    centre_path = "partner__centre"

    partner = fields.Field("partner", "business_nip",
                           widget=NipLookupWidget(Partner, "business__nip", related=("business",)))
    title_pl = fields.Field("title_pl", "title_pl", widget=TrimmedCharWidget())
    title_en = fields.Field("title_en", "title_en", widget=TrimmedCharWidget())
    description_pl = fields.Field("description_pl", "description_pl", widget=TrimmedCharWidget())
    description_en = fields.Field("description_en", "description_en", widget=TrimmedCharWidget())
    kind = fields.Field("kind", "kind", widget=ChoiceWidget(Perk.Kind.choices))
    value = fields.Field("value", "value", widget=widgets.DecimalWidget())
    conditions_pl = fields.Field("conditions_pl", "conditions_pl", widget=TrimmedCharWidget())
    conditions_en = fields.Field("conditions_en", "conditions_en", widget=TrimmedCharWidget())
    valid_from = fields.Field("valid_from", "valid_from", widget=widgets.DateWidget())
    valid_until = fields.Field("valid_until", "valid_until", widget=widgets.DateWidget())
    daily_limit_per_card = fields.Field("daily_limit_per_card", "daily_limit_per_card",
                                        widget=widgets.IntegerWidget())
    is_active = fields.Field("is_active", "is_active", widget=widgets.BooleanWidget(), default=True)

    required_columns = ("business_nip", "title_pl", "kind", "valid_from")

    class Meta:
        model = Perk
        fields = ("partner", "title_pl", "title_en", "description_pl", "description_en", "kind", "value",
                  "conditions_pl", "conditions_en", "valid_from", "valid_until", "daily_limit_per_card",
                  "is_active")
        import_id_fields = ("partner", "title_pl")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def get_queryset(self):
        return super().get_queryset().select_related("partner__business")

    def import_instance(self, instance: Perk, row, **kwargs) -> None:
        super().import_instance(instance, row, **kwargs)
        if instance.weekdays is None:
            instance.weekdays = Perk.ALL_DAYS

    def validate_instance(self, instance: Perk, import_validation_errors=None, validate_unique=True) -> None:
        errors = dict(import_validation_errors or {})
        try:
            services.validate_perk(instance)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field not in errors:
                    errors[field] = messages
        if errors:
            raise ValidationError(errors)
