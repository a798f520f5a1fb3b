"""The API's filter backend: django-filter's, with every integer-valued filter bounded before it reaches the
database. A value that is not plain ASCII digits (an optional minus), or lies beyond a 64-bit signed integer, is
a 400 naming the filter — never an OverflowError, never "٣" read as 3."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

MAX_INT64 = 2**63 - 1
_INTEGER = re.compile(r"^-?[0-9]{1,19}$")


def integer_problem(value: str) -> str | None:
    text = str(value).strip()
    if text == "":
        return None
    if not _INTEGER.match(text) or not (-MAX_INT64 - 1 <= int(text) <= MAX_INT64):
        return _("Enter a whole number between %(low)s and %(high)s.") % {"low": -MAX_INT64 - 1, "high": MAX_INT64}
    return None


def _is_integer_filter(filter_) -> bool:
    field_class = getattr(filter_, "field_class", None)
    if field_class is None:
        return False
    if issubclass(field_class, forms.IntegerField):
        return True
    if issubclass(field_class, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        if filter_.extra.get("to_field_name") not in (None, "pk", "id"):
            return False  # chosen by another field (e.g. a centre by its slug), not by a number
        queryset = filter_.extra.get("queryset")
        model = getattr(queryset, "model", None) if queryset is not None and not callable(queryset) else None
        pk = model._meta.pk if model is not None else None
        return pk is None or isinstance(pk, models.AutoField | models.BigAutoField | models.IntegerField)
    if issubclass(field_class, forms.DecimalField):
        model = getattr(getattr(filter_, "model", None), "_meta", None)
        try:
            target = model.get_field(filter_.field_name.split("__")[0]) if model else None
        except Exception:
            target = None
        return isinstance(target, models.IntegerField | models.ForeignKey)
    return False


class SafeFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors: dict[str, list[str]] = {}
        for name, filter_ in filterset.filters.items():
            if not _is_integer_filter(filter_):
                continue
            for key in (name, f"{name}_min", f"{name}_max", f"{name}__in"):
                for raw in filterset.data.getlist(key) if hasattr(filterset.data, "getlist") else []:
                    for part in str(raw).split(","):
                        problem = integer_problem(part)
                        if problem:
                            errors.setdefault(name, []).append(problem)
        if errors:
            raise ValidationError(errors)
        return filterset


# --- Filter forms that speak to people ------------------------------------------------------------------------

# The empty choice of a filter: "all" of them (Polish "wszystkie"), not Django's "---------".
ANY = pgettext_lazy("filter: no choice", "all")


def _field_label(model, path: str):
    """The name of the model field a filter reads, in words ("Kategoria" for partner__business__category)."""
    field = relation = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return None
        if field.is_relation and field.related_model is not None:
            model, relation = field.related_model, field
    if relation is not None and field is not relation and field.name in ("slug", "name", "code", "id", "year"):
        field = relation  # centre__slug: the centre, chosen by its slug
    name = getattr(field, "verbose_name", None)
    return capfirst(name) if name else None


class PortalFilterSet(django_filters.FilterSet):
    """A filter set whose form (the browsable API's filters, a page's filter bar) has written labels — the field's
    own name, never django-filter's joined path ("Partner firma kategoria") — and "wszystkie" as the empty choice
    of every select, never "---------" or "Nieznany"."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for name, filter_ in self.filters.items():
            if filter_._label is None and model is not None and filter_.lookup_expr in ("exact", "iexact"):
                filter_.label = _field_label(model, filter_.field_name) or capfirst(name.replace("_", " "))

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_in_words", False):
            for field in form.fields.values():
                if isinstance(field, forms.NullBooleanField):
                    field.widget.choices = [("", ANY), *[(v, label) for v, label in field.widget.choices
                                                         if v not in ("", "unknown")]]
                elif getattr(field, "empty_label", None) is not None:
                    field.empty_label = ANY
                    field.widget.choices = field.choices  # the widget's choices follow this field's empty label
            form._in_words = True
        return form
