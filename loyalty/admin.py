"""Office admin of the programme: cards with their workflow actions, partners, perks, checks and settings."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from centres.admin_scoping import CentreScopedAdmin, CentreScopedTabularInline

from . import services
from .models import (
    Card,
    CardEvent,
    Check,
    Partner,
    Perk,
    ProgrammeSettings,
    ProgrammeTerms,
    SigningKey,
    SuspectedEnumeration,
)


class CardEventInline(CentreScopedTabularInline):
    model = CardEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _card_action(service, label):
    """An admin action that runs one workflow service on each selected card and reports what was refused."""

    def action(modeladmin, request, queryset):
        done = 0
        for card in queryset:
            try:
                service(card=card, by=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, f"{card}: {' '.join(exc.messages)}", messages.WARNING)
            except PermissionDenied as exc:
                modeladmin.message_user(request, f"{card}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(request, ngettext("%(n)d card updated.", "%(n)d cards updated.", done)
                                    % {"n": done}, messages.SUCCESS)

    action.short_description = label
    action.__name__ = f"action_{service.__name__}"
    return action


@admin.register(Card)
class CardAdmin(CentreScopedAdmin):
    list_display = ["formatted_number", "last_name", "first_name", "status", "valid_from", "valid_until", "centre",
                    "created_at"]
    list_filter = ["status", "centre", "valid_until"]
    search_fields = ["number", "last_name", "first_name", "email", "holder__email"]
    list_select_related = ["centre"]
    date_hierarchy = "created_at"
    readonly_fields = ["number", "status", "centre", "holder", "valid_from", "valid_until", "replaces",
                       "created_at", "activated_at", "status_changed_at", "terms_accepted_at", "terms"]
    fields = ["number", "status", "centre", "holder", "first_name", "last_name", "address", "postal_code", "city",
              "email", "valid_from", "valid_until", "replaces", "terms_accepted_at", "terms", "created_at",
              "activated_at", "status_changed_at"]
    inlines = [CardEventInline]
    actions = [
        _card_action(services.activate_card, _("Activate (residence confirmed) or lift a suspension")),
        _card_action(services.suspend_card, _("Suspend")),
        _card_action(services.renew_card, _("Renew for another period")),
        _card_action(services.revoke_card, _("Revoke")),
        _card_action(services.reissue_card, _("Revoke and re-issue with a new number (lost card)")),
    ]

    def has_add_permission(self, request):
        return False  # cards come from residents' applications

    def has_delete_permission(self, request, obj=None):
        return False  # numbers are never reused; revoke instead


@admin.register(Partner)
class PartnerAdmin(CentreScopedAdmin):
    list_display = ["business", "centre", "agreement_start", "agreement_end", "is_active"]
    list_filter = ["centre", "is_active", "business__category"]
    search_fields = ["business__name", "business__nip"]
    list_select_related = ["business", "centre"]
    autocomplete_fields = ["business"]
    fields = ["business", "agreement_start", "agreement_end", "is_active", "description_pl", "description_en"]

    def save_model(self, request, obj, form, change):
        obj.centre_id = obj.business.centre_id
        if change:
            services.validate_partner(obj)
            obj.save()
        else:
            form.instance = services.enrol_partner(
                business=obj.business, agreement_start=obj.agreement_start, agreement_end=obj.agreement_end,
                is_active=obj.is_active, description_pl=obj.description_pl, description_en=obj.description_en)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        original_clean = form.clean

        def clean(form_self):
            data = original_clean(form_self)
            business = data.get("business")
            if business is not None:
                form_self.instance.centre_id = business.centre_id
                probe = Partner(pk=form_self.instance.pk, centre_id=business.centre_id, business=business,
                                agreement_start=data.get("agreement_start") or form_self.instance.agreement_start,
                                agreement_end=data.get("agreement_end"))
                if probe.agreement_start:
                    try:
                        services.validate_partner(probe)
                    except ValidationError as exc:
                        for field, errors in exc.message_dict.items():
                            form_self.add_error(field if field in form_self.fields else None, errors)
            return data

        form.clean = clean
        return form


@admin.register(Perk)
class PerkAdmin(CentreScopedAdmin):
    centre_field = "partner__centre"
    list_display = ["title_pl", "partner", "kind", "value", "valid_from", "valid_until", "daily_limit_per_card",
                    "monthly_limit", "is_active"]
    list_filter = ["partner__centre", "kind", "is_active"]
    search_fields = ["title_pl", "title_en", "partner__business__name"]
    list_select_related = ["partner__business"]
    autocomplete_fields = ["partner"]

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.PERK_FIELDS}
        if change:
            services.update_perk(perk=obj, by=request.user, **fields)
        else:
            form.instance = services.create_perk(partner=obj.partner, by=request.user, **fields)


@admin.register(Check)
class CheckAdmin(CentreScopedAdmin):
    """Read-only: checks are recorded at the till."""

    centre_field = "partner__centre"
    list_display = ["created_at", "partner", "perk", "result", "method", "accepted", "refusal", "flagged", "card"]
    list_filter = ["result", "method", "accepted", "flagged", "partner__centre"]
    search_fields = ["card__number", "partner__business__name"]
    list_select_related = ["partner__business", "perk", "card"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgrammeSettings)
class ProgrammeSettingsAdmin(CentreScopedAdmin):
    list_display = ["centre", "validity_years", "auto_activate", "reminder_days"]


class ReadOnlyAdmin(CentreScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SuspectedEnumeration)
class SuspectedEnumerationAdmin(ReadOnlyAdmin):
    """Runs of unknown typed numbers from one till account: someone may be walking the number space."""

    centre_field = "partner__centre"
    list_display = ["last_at", "partner", "user", "unknown_numbers", "first_at"]
    list_filter = ["partner__centre"]
    list_select_related = ["partner__business", "user"]
    date_hierarchy = "last_at"


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    """The keys that sign card tokens (public halves only). Rotate with `manage.py rotate_signing_key`."""

    list_display = ["kid", "centre", "created_at", "retired_at"]
    list_filter = ["centre"]
    fields = ["kid", "centre", "public_key", "created_at", "retired_at"]
    readonly_fields = fields


@admin.register(ProgrammeTerms)
class ProgrammeTermsAdmin(CentreScopedAdmin):
    """The programme's terms, one row per version; an application records the version accepted. A version in
    force is not edited: publish a new one."""

    list_display = ["version", "centre", "published_at"]
    list_filter = ["centre"]
    fields = ["centre", "version", "published_at", "body_pl", "body_en"]

    def get_readonly_fields(self, request, obj=None):
        from django.utils import timezone

        if obj is not None and obj.published_at and obj.published_at <= timezone.now():
            return self.fields
        return []

    def has_delete_permission(self, request, obj=None):
        return False
