"""Admin scoping: office staff see and change only what belongs to their own centre(s).

Every app's admin uses `CentreScopedAdmin` (or the inline variant) and names the path from its model to the
centre in `centre_field`, e.g. "centre", "zone__centre" or "business__centre".
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .selectors import staff_centre_ids


class CentreScopedMixin:
    centre_field: str = "centre"

    def _centre_ids(self, request: HttpRequest) -> set[int]:
        return staff_centre_ids(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.centre_field}__in": self._centre_ids(request)}).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        self._limit_choices(formfield, request)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        self._limit_choices(formfield, request)
        return formfield

    def _limit_choices(self, formfield, request: HttpRequest) -> None:
        """Offer only objects of the staff's centres in every choice that leads to a centre."""
        if formfield is None or request.user.is_superuser or not hasattr(formfield, "queryset"):
            return
        model = formfield.queryset.model
        path = _centre_path(model)
        if path is not None:
            ids = self._centre_ids(request)
            formfield.queryset = formfield.queryset.filter(**({"pk__in": ids} if path == "" else {f"{path}__in": ids}))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) and (request.user.is_superuser or bool(self._centre_ids(request)))


def _centre_path(model) -> str | None:
    """How a model reaches its centre: '' for Centre itself, a lookup path, or None when it does not."""
    from .models import Centre

    if model is Centre:
        return ""
    for candidate in ("centre", "zone__centre", "business__centre", "contest__centre", "season__centre",
                      "partner__business__centre", "application__business__centre", "round__contest__centre",
                      "entry__contest__centre", "card__centre", "partner__centre", "mural__centre", "wall__centre",
                      "application__season__centre", "account__application__season__centre"):
        try:
            _follow(model, candidate)
        except LookupError:
            continue
        return candidate
    return None


def _follow(model, path: str) -> None:
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception as exc:
            raise LookupError(path) from exc
        if not field.is_relation:
            raise LookupError(path)
        model = field.related_model


class CentreScopedAdmin(CentreScopedMixin, admin.ModelAdmin):
    pass


class CentreScopedTabularInline(CentreScopedMixin, admin.TabularInline):
    def get_queryset(self, request):  # inlines are already limited by their parent object
        return admin.TabularInline.get_queryset(self, request)
