"""Office admin of the mural register: murals with photos and history, status actions through the workflow,
walls (with the action that turns the contest's winning design into a mural), artists, the mural designs of the
contest engine, and a CSV export of the register."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.admin_scoping import CentreScopedAdmin, CentreScopedTabularInline
from contests.models import Contest, Entry
from core.csv import csv_response
from core.uploads import IMAGE, check_upload

from . import services
from .models import Artist, Mural, MuralDesignEntry, MuralPhoto, MuralStatusChange, Wall
from .resources import MuralResource


def _messages_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


class MuralAdminForm(forms.ModelForm):
    """The admin's form checks the same links as the service: wall, zone, artists and sponsors of the centre."""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("centre") is None:
            return data
        probe = Mural(pk=self.instance.pk, centre=data["centre"], zone=data.get("zone"), wall=data.get("wall"),
                      latitude=data.get("latitude"), longitude=data.get("longitude"),
                      trail_order=data.get("trail_order"))
        for field, message in services.mural_problems(probe, data.get("artists"), data.get("sponsors")).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


class WallAdminForm(forms.ModelForm):
    """Street, zone and contest of the wall's centre; a contest linked to one wall only."""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("centre") is None:
            return data
        probe = Wall(pk=self.instance.pk, centre=data["centre"], street=data.get("street"), zone=data.get("zone"),
                     contest=data.get("contest"))
        for field, message in services.wall_problems(probe).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


class NoteActionForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           help_text=_("Needed for “needs maintenance” and “removed”."))


class MuralPhotoForm(forms.ModelForm):
    """A new photo passes the one upload check (core.uploads) here and is added by the service on save."""

    class Meta:
        model = MuralPhoto
        fields = ["image", "alt_pl", "alt_en", "credit", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image is not None and "image" in self.changed_data:
            try:
                check_upload(image, kinds={IMAGE}, field="image")
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["image"]) from exc
            image.seek(0)
        return image


class MuralPhotoInline(CentreScopedTabularInline):
    model = MuralPhoto
    form = MuralPhotoForm
    extra = 1
    fields = ["image", "alt_pl", "alt_en", "credit", "position"]


class MuralHistoryInline(CentreScopedTabularInline):
    model = MuralStatusChange
    extra = 0
    fields = ["created_at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _register_rows(queryset: QuerySet) -> QuerySet:
    return (Mural.objects.filter(pk__in=queryset.values("pk")).select_related("zone", "wall", "winning_entry")
            .prefetch_related("artists", "sponsors").order_by("-year", "title", "pk"))


def export_register_csv(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    """The chosen murals as a CSV file for machines and re-import: column keys, status codes (UTF-8 with BOM)."""
    data = MuralResource(centre=None).export(queryset=_register_rows(queryset))
    return csv_response(f"murals-{timezone.localdate().isoformat()}.csv", data.headers, data)


def export_register_csv_for_people(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    """The chosen murals as a CSV file to read: column names and statuses in words, numbers in the language's
    formats."""
    data = MuralResource(centre=None).export_for_people(queryset=_register_rows(queryset))
    return csv_response(f"murals-{timezone.localdate().isoformat()}-do-czytania.csv", data.headers, data)


export_register_csv.short_description = _("Export the register as CSV for machines (codes)")
export_register_csv_for_people.short_description = _("Export the register as CSV to read")


def _status_action(status: str):
    def action(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
        note = request.POST.get("note", "")
        for mural in queryset:
            try:
                services.change_mural_status(mural=mural, to=status, by=request.user, note=note)
                modeladmin.message_user(request, _("“%(m)s”: %(s)s.") % {"m": mural.title,
                                                                         "s": Mural.Status(status).label})
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, f"{mural.title}: {_messages_of(exc)}", messages.ERROR)

    action.__name__ = f"mark_{status}"
    action.short_description = _("Status: %(s)s") % {"s": Mural.Status(status).label}
    return action


@admin.register(Mural)
class MuralAdmin(CentreScopedAdmin):
    form = MuralAdminForm
    list_display = ["title", "centre", "year", "status", "address", "zone", "trail_order"]
    list_filter = ["centre", "status", "year", "zone"]
    search_fields = ["title", "address", "artists__name", "sponsors__name"]
    autocomplete_fields = ["artists", "sponsors"]
    raw_id_fields = ["winning_entry"]
    readonly_fields = ["slug", "status", "created_at", "updated_at"]
    inlines = [MuralPhotoInline, MuralHistoryInline]
    action_form = NoteActionForm
    actions = [export_register_csv_for_people, export_register_csv, *(_status_action(s) for s in Mural.Status.values)]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("centre", "zone")

    def save_model(self, request: HttpRequest, obj: Mural, form, change: bool) -> None:
        """Through the service (the same checks as the API); the form has checked the links already."""
        data = form.cleaned_data
        fields = {name: data[name] for name in services.MURAL_FIELDS if name in data}
        links = {"artists": list(data.get("artists") or []), "sponsors": list(data.get("sponsors") or [])}
        if change:
            mural = services.update_mural(mural=obj, by=request.user, **links, **fields)
        else:
            named = {"title", "year", "area_m2", "address"}
            mural = services.create_mural(centre=data["centre"], by=request.user, title=data["title"],
                                          year=data["year"], area_m2=data["area_m2"],
                                          address=data.get("address", ""), **links,
                                          **{k: v for k, v in fields.items() if k not in named})
        obj.pk, obj.slug = mural.pk, mural.slug
        obj._state.adding = False

    def save_related(self, request, form, formsets, change) -> None:
        for formset in formsets:  # artists and sponsors were set by the service
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not MuralPhoto:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for f in formset.forms:
            if not f.has_changed() or f in formset.deleted_forms:
                continue
            data = f.cleaned_data
            if f.instance.pk is None:
                formset.new_objects.append(services.add_photo(
                    mural=form.instance, by=request.user, image=data["image"], alt_pl=data.get("alt_pl", ""),
                    alt_en=data.get("alt_en", ""), credit=data.get("credit", "")))
            else:
                f.save()
                formset.changed_objects.append((f.instance, f.changed_data))
        for f in formset.deleted_forms:
            if f.instance.pk is not None:
                f.instance.delete()
                formset.deleted_objects.append(f.instance)


@admin.register(Wall)
class WallAdmin(CentreScopedAdmin):
    form = WallAdminForm
    list_display = ["address", "centre", "zone", "building_owner", "width_m", "height_m", "contest"]
    list_filter = ["centre", "zone"]
    search_fields = ["address", "building_owner", "contest__title_pl"]
    actions = ["mural_from_winner"]

    def save_model(self, request: HttpRequest, obj: Wall, form, change: bool) -> None:
        """Through the service (the same checks as the API, the photo through the one upload check)."""
        data = form.cleaned_data
        fields = {name: data[name] for name in services.WALL_FIELDS if name in data}
        if "photo" in fields and "photo" not in form.changed_data:
            fields.pop("photo")
        wall = (services.save_wall(wall=obj, by=request.user, **fields) if change
                else services.save_wall(centre=data["centre"], by=request.user, **fields))
        obj.pk = wall.pk
        obj._state.adding = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contest":
            kwargs["queryset"] = Contest.objects.filter(kind=Contest.Kind.MURAL_DESIGN)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Make the mural from the contest's winning design"))
    def mural_from_winner(self, request: HttpRequest, queryset: QuerySet) -> None:
        for wall in queryset:
            winners = list(Entry.objects.filter(contest_id=wall.contest_id, status=Entry.Status.WINNER))
            if not winners:
                self.message_user(request, _("%(w)s: the contest has no winning design.") % {"w": wall},
                                  messages.WARNING)
            for entry in winners:
                _make_mural(self, request, entry)


def _make_mural(modeladmin, request: HttpRequest, entry: Entry) -> None:
    try:
        mural = services.create_mural_from_winner(entry=entry, by=request.user)
        modeladmin.message_user(request, _("“%(m)s” is in the register as planned.") % {"m": mural.title})
    except (ValidationError, PermissionDenied) as exc:
        modeladmin.message_user(request, f"{entry.title}: {_messages_of(exc)}", messages.ERROR)


@admin.register(Artist)
class ArtistAdmin(CentreScopedAdmin):
    list_display = ["name", "centre", "website"]
    list_filter = ["centre"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MuralDesignEntry)
class MuralDesignEntryAdmin(CentreScopedAdmin):
    """Designs submitted to mural-design contests (read here; judged in the contests admin)."""

    centre_field = "contest__centre"
    list_display = ["title", "contest", "submitted_by", "status", "created_at", "has_mural"]
    list_filter = ["status", "contest"]
    search_fields = ["title", "contest__title_pl"]
    readonly_fields = ["contest", "submitted_by", "title", "description", "attachment", "status", "created_at"]
    fields = readonly_fields
    actions = ["mural_from_winner"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (super().get_queryset(request).filter(contest__kind=Contest.Kind.MURAL_DESIGN)
                .select_related("contest", "submitted_by", "mural"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(boolean=True, description=_("in the register"))
    def has_mural(self, entry: Entry) -> bool:
        return hasattr(entry, "mural")

    @admin.action(description=_("Make the mural from the winning design"))
    def mural_from_winner(self, request: HttpRequest, queryset: QuerySet) -> None:
        for entry in queryset:
            _make_mural(self, request, entry)
