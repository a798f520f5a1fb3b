"""Pages put a service's refusal on the form it came from, so the person sees the form again with the reasons."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError, *, fields: Mapping[str, str] | None = None) -> None:
    """Add each message of `exc` to the form: at its field when the form has one (after renaming by `fields`,
    service field → form field), else at the top of the form."""
    fields = fields or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = fields.get(name, name)
        if target == NON_FIELD_ERRORS or target not in form.fields:
            target = None
        for error in errors:
            form.add_error(target, error)
