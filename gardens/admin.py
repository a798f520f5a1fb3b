"""Office admin for café gardens: seasons with rules and discount tiers, the review queue with its actions, fee
totals per zone and season, CSV export, inspections with per-rule results. Every status change goes through
`services.transition`."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from centres.admin_scoping import CentreScopedAdmin, CentreScopedTabularInline
from centres.selectors import staff_centre_ids

from . import selectors, services
from .models import (
    AestheticRule,
    ApplicationHistory,
    Attachment,
    GardenApplication,
    GreenDiscountTier,
    GreeneryKind,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    RuleDeclaration,
    Season,
)
from .resources import PermitResource

Status = GardenApplication.Status


class TierInline(CentreScopedTabularInline):
    model = GreenDiscountTier
    extra = 0


class RuleInline(CentreScopedTabularInline):
    model = AestheticRule
    extra = 0
    fields = ["order", "code", "title_pl", "title_en", "category", "checked_by", "is_active"]


@admin.register(Season)
class SeasonAdmin(CentreScopedAdmin):
    centre_field = "centre"
    list_display = ["centre", "year", "summer_start", "summer_end", "winter_start", "winter_end", "is_open"]
    list_filter = ["centre", "year", "is_open"]
    inlines = [TierInline, RuleInline]


@admin.register(AestheticRule)
class AestheticRuleAdmin(CentreScopedAdmin):
    centre_field = "season__centre"
    list_display = ["code", "title_pl", "season", "category", "checked_by", "order", "is_active"]
    list_filter = ["season", "category", "checked_by", "is_active"]
    search_fields = ["code", "title_pl", "title_en"]
    list_select_related = ["season", "season__centre"]


class HistoryInline(CentreScopedTabularInline):
    model = ApplicationHistory
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "from_status", "to_status", "by", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DeclarationInline(CentreScopedTabularInline):
    model = RuleDeclaration
    extra = 0
    can_delete = False
    fields = readonly_fields = ["rule", "complies", "comment"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(CentreScopedTabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = readonly_fields = ["kind", "download", "content_type", "size", "uploaded_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        url = reverse("gardens:attachment", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class ReviewForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when asking for changes, rejecting or revoking."))
    confirmed_greenery = forms.MultipleChoiceField(label=_("Greenery confirmed by the office (on approval)"),
                                                   choices=GreeneryKind.choices, required=False,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, moves: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(m, Status(m).label) for m in moves]


@admin.register(GardenApplication)
class GardenApplicationAdmin(CentreScopedAdmin):
    """The review queue: filter by status, zone and season; review each application through the workflow."""

    centre_field = "season__centre"
    list_display = ["__str__", "business", "zone", "season", "status", "submitted_at", "area_m2", "period_start",
                    "period_end", "fee_total"]
    list_filter = ["status", "zone", "season", "season__centre"]
    search_fields = ["business__name", "business__nip", "permit_number", "address", "street__name"]
    list_select_related = ["business", "zone", "season", "season__centre"]
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at", "-pk"]
    actions = ["start_review", "approve_with_declared_greenery", "export_csv"]
    inlines = [DeclarationInline, AttachmentInline, HistoryInline]
    change_list_template = "admin/gardens/gardenapplication/change_list.html"
    readonly_fields = ["review_link", "conflicts", "business", "season", "status", "permit_number", "fee_summary",
                       "declared_greenery", "confirmed_greenery", "created_by", "created_at", "submitted_at",
                       "decided_at", "revoked_at", "revocation_reason", "previous"]
    fieldsets = [
        (None, {"fields": ["review_link", "conflicts", "business", "season", "status", "permit_number"]}),
        (_("Garden"), {"fields": ["zone", "street", "address", "placement", "area_m2", "length_m", "width_m",
                                  "period_start", "period_end", "pedestrian_width_m", "furniture", "tables", "seats",
                                  "umbrella_colour", "umbrella_height_m", "enclosure_height_m",
                                  "declared_greenery", "confirmed_greenery"]}),
        (_("Fee"), {"fields": ["fee_summary"]}),
        (_("Dates"), {"fields": ["created_by", "created_at", "submitted_at", "decided_at", "revoked_at",
                                 "revocation_reason", "previous"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # applications come from the business's owner or manager

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The garden's data is the applicant's; staff review it through the workflow (read-only form).
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    @admin.display(description=_("review"))
    def review_link(self, obj: GardenApplication) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:gardens_gardenapplication_review", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Review: change the status"))

    @admin.display(description=_("overlapping applications for the same place"))
    def conflicts(self, obj: GardenApplication) -> str:
        rows = selectors.conflicts_for(obj)
        if not rows:
            return "—"
        return format_html_join(", ", '<a href="{}">{}</a> ({}, {})', (
            (reverse("admin:gardens_gardenapplication_change", args=[c.pk]), c, c.business.name,
             c.get_status_display()) for c in rows))

    @admin.display(description=_("fee"))
    def fee_summary(self, obj: GardenApplication) -> str:
        periods = (obj.fee_breakdown or {}).get("periods", [])
        lines = format_html_join("", "<li>{} – {}: {} × {} PLN = {} PLN</li>",
                                 ((p["start"], p["end"], p["days"], p["rate"], p["amount"]) for p in periods))
        return format_html("<ul>{}</ul>{} PLN − {}% ({} PLN) = <strong>{} PLN</strong>", lines, obj.fee_gross,
                           obj.fee_discount_percent, obj.fee_discount, obj.fee_total)

    @admin.display(description=_("greenery declared"))
    def declared_greenery(self, obj: GardenApplication) -> str:
        return ", ".join(str(GreeneryKind(k).label) for k in sorted(obj.declared_greenery_kinds())) or "—"

    @admin.display(description=_("greenery confirmed"))
    def confirmed_greenery(self, obj: GardenApplication) -> str:
        return ", ".join(str(GreeneryKind(k).label) for k in sorted(obj.confirmed_greenery_kinds())) or "—"

    def get_urls(self):
        return [
            path("<int:pk>/review/", self.admin_site.admin_view(self.review_view),
                 name="gardens_gardenapplication_review"),
            path("fee-totals/", self.admin_site.admin_view(self.fee_totals_view),
                 name="gardens_gardenapplication_fee_totals"),
        ] + super().get_urls()

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        moves = services.allowed_moves(application, request.user)
        form = ReviewForm(request.POST or None, moves=moves,
                          initial={"confirmed_greenery": sorted(application.declared_greenery_kinds())})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.transition(application=application, to=data["to"], by=request.user, note=data["note"],
                                    confirmed_greenery=data["confirmed_greenery"])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _("%(app)s is now “%(status)s”.") % {
                    "app": application, "status": Status(data["to"]).label}, messages.SUCCESS)
                return redirect("admin:gardens_gardenapplication_change", application.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "application": application,
                   "form": form, "title": _("Review %(app)s") % {"app": application},
                   "conflicts": selectors.conflicts_for(application)}
        return TemplateResponse(request, "admin/gardens/gardenapplication/review.html", context)

    def _centre_scope(self, request: HttpRequest) -> set[int] | None:
        return None if request.user.is_superuser else staff_centre_ids(request.user)

    def fee_totals_view(self, request: HttpRequest) -> HttpResponse:
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Fee totals per season and zone"),
                   "rows": selectors.fee_totals(centre_ids=self._centre_scope(request))}
        return TemplateResponse(request, "admin/gardens/gardenapplication/fee_totals.html", context)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {**(extra_context or {}), "fee_totals_url": reverse(
            "admin:gardens_gardenapplication_fee_totals")}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Start the review of the selected submitted applications"))
    def start_review(self, request: HttpRequest, queryset) -> None:
        self._bulk_move(request, queryset.filter(status=Status.SUBMITTED), Status.IN_REVIEW)

    @admin.action(description=_("Approve the selected applications in review, confirming the declared greenery"))
    def approve_with_declared_greenery(self, request: HttpRequest, queryset) -> None:
        self._bulk_move(request, queryset.filter(status=Status.IN_REVIEW), Status.APPROVED, declared=True)

    def _bulk_move(self, request: HttpRequest, queryset, to: str, declared: bool = False) -> None:
        done, failed = 0, []
        for application in queryset:
            try:
                services.transition(application=application, to=to, by=request.user,
                                    confirmed_greenery=application.declared_greenery_kinds() if declared else None)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                failed.append(f"{application}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            self.message_user(request, _("%(count)s applications moved.") % {"count": done}, messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Export the selected applications as CSV"))
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="garden-applications-{stamp}.csv"'
        response.write("\ufeff")  # Excel reads Polish letters in a CSV with a BOM
        columns = list(PermitResource.Meta.fields)
        writer = csv.writer(response)
        writer.writerow(columns)
        for a in queryset.select_related("business", "season", "zone", "street").order_by("pk"):
            writer.writerow([a.permit_number or "", a.business.name, a.business.nip, a.season.year, a.zone.name,
                             a.street.name if a.street_id else "", a.address, a.area_m2, a.period_start,
                             a.period_end, a.fee_gross, a.fee_discount_percent, a.fee_discount, a.fee_total,
                             a.status])
        return response


class InspectionResultInline(CentreScopedTabularInline):
    model = InspectionResult
    extra = 3
    fields = ["rule", "kept", "note"]


class InspectionPhotoInline(CentreScopedTabularInline):
    model = InspectionPhoto
    extra = 1


@admin.register(Inspection)
class InspectionAdmin(CentreScopedAdmin):
    centre_field = "application__season__centre"
    list_display = ["application", "inspected_on", "inspector", "breaches"]
    list_filter = ["inspected_on", "application__season", "application__zone"]
    search_fields = ["application__permit_number", "application__business__name", "note"]
    list_select_related = ["application", "application__business", "application__season", "inspector"]
    autocomplete_fields = ["application"]
    inlines = [InspectionResultInline, InspectionPhotoInline]
    readonly_fields = ["inspector", "created_at"]

    def get_queryset(self, request: HttpRequest):
        from django.db.models import Count, Q

        return super().get_queryset(request).annotate(breach_count=Count("results", filter=Q(results__kept=False)))

    @admin.display(description=_("breaches"), ordering="breach_count")
    def breaches(self, obj: Inspection) -> int:
        return obj.breach_count

    def save_model(self, request: HttpRequest, obj: Inspection, form, change: bool) -> None:
        if not change:
            obj.inspector = request.user
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "application" and field is not None:
            field.queryset = field.queryset.filter(status=Status.APPROVED)
        return field
