"""The API's one exception handler: a service's refusal becomes the one error shape of drf-standardized-errors.

Views call services directly; a Django `ValidationError` raised by a service is answered 400 with each field's
message and its stable code (core.errors.Code), `PermissionDenied` 403 with its message. No view converts
errors by hand.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings


def as_drf_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A Django ValidationError as DRF's, keeping every code; `__all__` becomes `non_field_errors`."""
    detail = get_error_detail(exc)
    if isinstance(detail, dict) and NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return exceptions.ValidationError(detail)


class ServiceErrorHandler(ExceptionHandler):
    """drf-standardized-errors' handler, taught the exceptions services raise."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            return as_drf_error(exc)
        if isinstance(exc, PermissionDenied):
            message = str(exc) if exc.args and str(exc) else None
            return exceptions.PermissionDenied(message)
        if isinstance(exc, Http404):
            return exceptions.NotFound()
        return super().convert_known_exceptions(exc)
