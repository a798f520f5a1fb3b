"""Office admin for café gardens: seasons with rules and discount tiers, the review queue with its actions, fee
totals per zone and season, CSV export, inspections with per-rule results. Every status change goes through
`services.transition`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from centres.admin_scoping import CentreScopedAdmin, CentreScopedTabularInline
from centres.selectors import staff_centre_ids
from core.csv import csv_response
from core.formats import money
from core.forms import add_service_errors

from . import payments, selectors, services
from .models import (
    AccountEntry,
    AestheticRule,
    ApplicationHistory,
    Attachment,
    BankTransfer,
    GardenApplication,
    GreenDiscountTier,
    GreeneryKind,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    PaymentAccount,
    RuleDeclaration,
    Season,
)
from .payments import account_state
from .resources import PermitResource

Status = GardenApplication.Status


class TierInline(CentreScopedTabularInline):
    model = GreenDiscountTier
    extra = 0


class RuleInline(CentreScopedTabularInline):
    model = AestheticRule
    extra = 0
    fields = ["order", "code", "title_pl", "title_en", "category", "checked_by", "measure", "limit", "palette",
              "is_active"]


class SeasonForm(forms.ModelForm):
    class Meta:
        model = Season
        fields = ["centre", "year", "summer_start", "summer_end", "winter_start", "winter_end", "is_open",
                  "legal_basis", "bank_account", "bank_recipient"]

    def clean_bank_account(self) -> str:
        """The account the fees are paid to: its checksum is checked here as at approval."""
        value = self.cleaned_data.get("bank_account") or ""
        if value:
            try:
                value = services.validate_iban(value)
            except ValidationError as exc:
                raise forms.ValidationError(exc.message_dict["bank_account"][0], code="invalid_iban") from None
        return value


@admin.register(Season)
class SeasonAdmin(CentreScopedAdmin):
    form = SeasonForm
    centre_field = "centre"
    list_display = ["centre", "year", "summer_start", "summer_end", "winter_start", "winter_end", "is_open"]
    list_filter = ["centre", "year", "is_open"]
    inlines = [TierInline, RuleInline]


@admin.register(AestheticRule)
class AestheticRuleAdmin(CentreScopedAdmin):
    centre_field = "season__centre"
    list_display = ["code", "title_pl", "season", "category", "checked_by", "measure", "limit", "order", "is_active"]
    list_filter = ["season", "category", "checked_by", "is_active"]
    search_fields = ["code", "title_pl", "title_en"]
    list_select_related = ["season", "season__centre"]


class HistoryInline(CentreScopedTabularInline):
    model = ApplicationHistory
    extra = 0
    can_delete = False
    fields = readonly_fields = ["created_at", "from_status", "to_status", "by", "note"]

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
    to = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reason for the owner"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when asking for changes, refusing or revoking."))
    confirmed_greenery = forms.MultipleChoiceField(
        label=_("Greenery seen on the photos (on approval)"), choices=GreeneryKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only declared kinds can be confirmed, and only with a photo; only these count for the discount."))

    def __init__(self, *args, moves: list[str], application: GardenApplication, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = {Status.APPROVED: _("Approve and issue the permit"), Status.REJECTED: _("Refuse"),
                  Status.CHANGES_REQUESTED: _("Ask for changes"), Status.REVOKED: _("Revoke the permit")}
        self.fields["to"].choices = [(m, labels.get(m, Status(m).label)) for m in moves]
        declared = application.declared_greenery_kinds()
        self.fields["confirmed_greenery"].choices = [(v, label) for v, label in GreeneryKind.choices if v in declared]
        photos = services.evidence_photos(application) if Status.APPROVED in moves else []
        self.evidence_fields = []
        for value, label in GreeneryKind.choices:
            if value in declared and Status.APPROVED in moves:
                name = f"evidence_{value}"
                self.fields[name] = forms.ChoiceField(
                    label=_("Photo showing “%(kind)s”") % {"kind": label}, required=False,
                    choices=[("", _("Choose the photo"))] + photos,
                    help_text=_("Required when this kind is confirmed: the photo the discount rests on."))
                self.evidence_fields.append(value)

    def greenery_evidence(self) -> dict[str, str]:
        """kind → the photo chosen for it (the service checks each is given and the application's own)."""
        return {kind: self.cleaned_data[f"evidence_{kind}"] for kind in self.evidence_fields
                if self.cleaned_data.get(f"evidence_{kind}")}


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
    actions = ["approve_without_greenery", "export_csv_for_people", "export_csv"]
    inlines = [DeclarationInline, AttachmentInline, HistoryInline]
    change_list_template = "admin/gardens/gardenapplication/change_list.html"
    readonly_fields = ["review_link", "conflicts", "business", "season", "status", "permit_number", "fee_summary",
                       "declared_greenery", "confirmed_greenery", "greenery_evidence_photos", "created_by",
                       "created_at", "submitted_at",
                       "decided_at", "revoked_at", "revocation_reason", "previous"]
    fieldsets = [
        (None, {"fields": ["review_link", "conflicts", "business", "season", "status", "permit_number"]}),
        (_("Garden"), {"fields": ["zone", "street", "address", "placement", "area_m2", "length_m", "width_m",
                                  "period_start", "period_end", "pedestrian_width_m", "furniture", "tables", "seats",
                                  "umbrella_colour", "umbrella_height_m", "enclosure_height_m",
                                  "declared_greenery", "confirmed_greenery", "greenery_evidence_photos"]}),
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
        return format_html('<a class="button" href="{}">{}</a>', url, _("Review and decide"))

    @admin.display(description=_("overlapping applications for the same place"))
    def conflicts(self, obj: GardenApplication) -> str:
        rows = selectors.conflicts_for(obj) if obj.pk else []
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

    @admin.display(description=_("greenery confirmed on the photos"))
    def greenery_evidence_photos(self, obj: GardenApplication) -> str:
        items = selectors.greenery_evidence_of(obj) if obj.pk else []
        if not items:
            return "—"
        return format_html_join("", '<figure class="evidence"><a href="{}"><img src="{}" alt="{}" width="160">'
                                    '</a><figcaption>{}: {}</figcaption></figure>',
                                ((e.url, e.url, e.photo_name, e.get_kind_display(), e.photo_name) for e in items))

    def get_urls(self):
        return [
            path("<int:pk>/review/", self.admin_site.admin_view(self.review_view),
                 name="gardens_gardenapplication_review"),
            path("fee-totals/", self.admin_site.admin_view(self.fee_totals_view),
                 name="gardens_gardenapplication_fee_totals"),
            path("map/<int:season_id>/", self.admin_site.admin_view(self.season_map_view),
                 name="gardens_gardenapplication_map"),
        ] + super().get_urls()

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """One page with everything a reviewer needs, and the decision (straight from submitted)."""
        application = get_object_or_404(self.get_queryset(request).prefetch_related("attachments"), pk=pk)
        moves = services.allowed_moves(application, request.user)
        form = ReviewForm(request.POST or None, moves=moves, application=application)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.transition(application=application, to=data["to"], by=request.user, note=data["note"],
                                    confirmed_greenery=data["confirmed_greenery"],
                                    greenery_evidence=form.greenery_evidence())
            except ValidationError as exc:
                add_service_errors(form, exc, fields={"greenery_evidence": "confirmed_greenery"})
            else:
                self.message_user(request, _("%(app)s is now “%(status)s”.") % {
                    "app": application, "status": Status(data["to"]).label}, messages.SUCCESS)
                return redirect("admin:gardens_gardenapplication_change", application.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "application": application,
                   "form": form, "title": _("Review %(app)s") % {"app": application},
                   **selectors.review_context(application), "map_tiles": settings.MAP_TILE_URL,
                   "map_attribution": settings.MAP_TILE_ATTRIBUTION}
        return TemplateResponse(request, "admin/gardens/gardenapplication/review.html", context)

    def season_map_view(self, request: HttpRequest, season_id: int) -> HttpResponse:
        """Every approved garden of a season on one map."""
        scope = self._centre_scope(request)
        seasons = Season.objects.filter(centre_id__in=scope) if scope is not None else Season.objects.all()
        season = get_object_or_404(seasons, pk=season_id)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "season": season,
                   "title": _("Café gardens of the %(year)s season on the map") % {"year": season.year},
                   "neighbours": selectors.neighbours_geojson(season=season), "map_tiles": settings.MAP_TILE_URL,
                   "map_attribution": settings.MAP_TILE_ATTRIBUTION}
        return TemplateResponse(request, "admin/gardens/gardenapplication/season_map.html", context)

    def _centre_scope(self, request: HttpRequest) -> set[int] | None:
        return None if request.user.is_superuser else staff_centre_ids(request.user)

    def fee_totals_view(self, request: HttpRequest) -> HttpResponse:
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Fee totals per season and zone"),
                   "rows": selectors.fee_totals(centre_ids=self._centre_scope(request))}
        return TemplateResponse(request, "admin/gardens/gardenapplication/fee_totals.html", context)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        scope = self._centre_scope(request)
        seasons = Season.objects.filter(centre_id__in=scope) if scope is not None else Season.objects.all()
        season = seasons.order_by("-year").first()
        extra_context = {**(extra_context or {}), "fee_totals_url": reverse(
            "admin:gardens_gardenapplication_fee_totals"),
            "season_map_url": reverse("admin:gardens_gardenapplication_map", args=[season.pk]) if season else ""}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Approve the selected submitted applications without a green discount"))
    def approve_without_greenery(self, request: HttpRequest, queryset) -> None:
        """A discount needs a reviewer who saw the greenery on a photo: the bulk action confirms none."""
        self._bulk_move(request, queryset.filter(status__in=GardenApplication.WAITING_STATUSES), Status.APPROVED)

    def _bulk_move(self, request: HttpRequest, queryset, to: str) -> None:
        done, failed = 0, []
        for application in queryset:
            try:
                services.transition(application=application, to=to, by=request.user, confirmed_greenery=())
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                failed.append(f"{application}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}")
        if done:
            self.message_user(request, _("%(count)s applications moved.") % {"count": done}, messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Export the selected applications as CSV to read"))
    def export_csv_for_people(self, request: HttpRequest, queryset) -> HttpResponse:
        """Polish column names, status words, money and dates in Polish formats (core.resources)."""
        stamp = timezone.localdate().isoformat()
        resource = PermitResource(centre=None)
        data = resource.export_for_people(queryset=queryset.select_related("business", "season", "zone", "street")
                                          .order_by("pk"))
        return csv_response(f"garden-applications-{stamp}-do-czytania.csv", data.headers, data)

    @admin.action(description=_("Export the selected applications as CSV for machines (codes, ISO dates)"))
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        stamp = timezone.localdate().isoformat()
        rows = ([a.permit_number or "", a.business.name, a.business.nip, a.season.year, a.zone.name,
                 a.street.name if a.street_id else "", a.address, a.area_m2, a.period_start, a.period_end,
                 a.fee_gross, a.fee_discount_percent, a.fee_discount, a.fee_total, a.status]
                for a in queryset.select_related("business", "season", "zone", "street").order_by("pk"))
        return csv_response(f"garden-applications-{stamp}.csv", list(PermitResource.Meta.fields), rows)


class InspectionResultInline(CentreScopedTabularInline):
    model = InspectionResult
    extra = 3
    fields = ["rule", "kept", "note"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None  # results are recorded with the inspection, never edited after


class InspectionPhotoInline(CentreScopedTabularInline):
    model = InspectionPhoto
    extra = 1

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None


class InspectionForm(forms.ModelForm):
    """The inspection's own fields; the date is checked by the service's own rule (as in the API)."""

    missing_greenery = forms.MultipleChoiceField(label=_("Confirmed greenery found missing"),
                                                 choices=GreeneryKind.choices, required=False,
                                                 widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Inspection
        fields = ["application", "kind", "inspected_on", "note"]

    def clean(self):
        data = super().clean()
        application, day, kind = data.get("application"), data.get("inspected_on"), data.get("kind")
        if application and day and kind:
            try:
                services.check_inspection_date(application=application, kind=kind, inspected_on=day)
            except ValidationError as exc:
                add_service_errors(self, exc)
        return data


@admin.register(Inspection)
class InspectionAdmin(CentreScopedAdmin):
    """Inspections are recorded through `services.record_inspection`, exactly as the API records them."""

    centre_field = "application__season__centre"
    form = InspectionForm
    list_display = ["application", "kind", "inspected_on", "inspector", "breaches"]
    list_filter = ["kind", "inspected_on", "application__season", "application__zone"]
    search_fields = ["application__permit_number", "application__business__name", "note"]
    list_select_related = ["application", "application__business", "application__season", "inspector"]
    autocomplete_fields = ["application"]
    inlines = [InspectionResultInline, InspectionPhotoInline]
    readonly_fields = ["inspector", "created_at"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(breach_count=Count("results", filter=Q(results__kept=False)))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description=_("breaches"), ordering="breach_count")
    def breaches(self, obj: Inspection) -> int:
        return obj.breach_count

    def save_model(self, request: HttpRequest, obj: Inspection, form, change: bool) -> None:
        """Nothing is written here: the inspection, its results and photos are written together in save_related."""

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        results, photos = {}, []
        for formset in formsets:
            for item in formset.cleaned_data:
                if not item or item.get("DELETE"):
                    continue
                if "rule" in item and item.get("rule"):
                    results[item["rule"].pk] = (item.get("kept", False), item.get("note", ""))
                elif item.get("file"):
                    photos.append(item["file"])
        data = form.cleaned_data
        inspection = services.record_inspection(
            application=data["application"], by=request.user, inspected_on=data["inspected_on"], kind=data["kind"],
            note=data.get("note", ""), results=results, photos=photos,
            missing_greenery=data.get("missing_greenery") or [])
        form.instance.__dict__.update({k: v for k, v in inspection.__dict__.items() if not k.startswith("_")})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "application" and field is not None:
            field.queryset = field.queryset.filter(status=Status.APPROVED)
        return field


# --- Payments -----------------------------------------------------------------------------------------

class EntryInline(CentreScopedTabularInline):
    model = AccountEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = ["booked_on", "kind", "amount", "reason", "transfer", "created_by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (PLN)"), max_digits=14, decimal_places=2)
    booked_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Note"), required=False, max_length=300)


class StatementForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (CSV or MT940)"))


@admin.register(PaymentAccount)
class PaymentAccountAdmin(CentreScopedAdmin):
    """What each permit owes and has paid; payments recorded by hand or imported from a bank statement."""

    centre_field = "application__season__centre"
    list_display = ["title", "business", "due_date", "due", "paid", "state"]
    list_filter = ["due_date", "application__season"]
    search_fields = ["title", "application__business__name"]
    list_select_related = ["application", "application__business"]
    readonly_fields = ["application", "title", "bank_account", "due_date", "due", "paid", "state", "created_at"]
    fields = readonly_fields
    inlines = [EntryInline]
    change_list_template = "admin/gardens/paymentaccount/change_list.html"
    change_form_template = "admin/gardens/paymentaccount/change_form.html"

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("entries")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # opened by the approval

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("business"))
    def business(self, obj: PaymentAccount) -> str:
        return obj.application.business.name

    @admin.display(description=_("due"))
    def due(self, obj: PaymentAccount) -> str:
        return money(account_state(obj).due)

    @admin.display(description=_("paid"))
    def paid(self, obj: PaymentAccount) -> str:
        return money(account_state(obj).paid)

    @admin.display(description=_("state"))
    def state(self, obj: PaymentAccount) -> str:
        state = account_state(obj)
        css = "breach" if state.overdue else ""
        extra = []
        if state.overdue:
            extra.append(str(_("overdue")))
        if state.late_payments:
            extra.append(str(_("paid late")))
        return format_html('<span class="{}">{}{}</span>', css, state.label,
                           f" ({', '.join(extra)})" if extra else "")

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="gardens_paymentaccount_import"),
            path("<int:pk>/payment/", self.admin_site.admin_view(self.payment_view),
                 name="gardens_paymentaccount_payment"),
        ] + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = StatementForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                content = payments.check_statement_file(upload)
                report = payments.import_statement(content=content, by=request.user, source=upload.name)
            except ValidationError as exc:
                add_service_errors(form, exc)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "report": report, "title": _("Import a bank statement")}
        return TemplateResponse(request, "admin/gardens/paymentaccount/import.html", context)

    def payment_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = get_object_or_404(self.get_queryset(request), pk=pk)
        form = PaymentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                payments.record_payment(account=account, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(request, _("The payment is recorded."), messages.SUCCESS)
                return redirect("admin:gardens_paymentaccount_change", account.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "account": account, "title": _("Record a payment for %(title)s") % {"title": account.title}}
        return TemplateResponse(request, "admin/gardens/paymentaccount/payment.html", context)


@admin.register(BankTransfer)
class BankTransferAdmin(admin.ModelAdmin):
    """Every imported statement line, matched or not (unknown titles wait here for a person)."""

    list_display = ["booked_on", "amount", "title", "counterparty", "account", "source"]
    list_filter = [("account", admin.EmptyFieldListFilter), "booked_on"]
    search_fields = ["title", "counterparty", "reference"]
    readonly_fields = ["key", "booked_on", "amount", "title", "counterparty", "reference", "source", "account",
                       "imported_by", "imported_at"]

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request).select_related("account")
        if request.user.is_superuser:
            return qs
        return qs.filter(Q(account__application__season__centre_id__in=staff_centre_ids(request.user))
                         | Q(account__isnull=True, imported_by__staff_centres__in=staff_centre_ids(request.user))
                         ).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
