"""Shared API pieces: the one router of /api/v1/, pagination classes and permission helpers.

Each app registers its viewsets on `router` in its own `api.py`; portal/urls.py imports those modules.
"""

from __future__ import annotations

from rest_framework import pagination, permissions
from rest_framework.routers import DefaultRouter


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class CursorPagination(pagination.CursorPagination):
    """For tables that grow without bound (checks, votes, history): stable pages at any depth."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"


class ReadOnlyOrStaff(permissions.BasePermission):
    """Anyone may read; only office staff may write (and only within their centre, checked per object)."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_office_staff)


router = DefaultRouter()
router.include_root_view = True


GENERIC_VALIDATION_ERROR = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "detail": {"type": "string"}, "attr": {"type": "string"}},
    "required": ["attr", "code", "detail"],
}


def generic_errors_for_list_items(result: dict, generator, request, public) -> dict:
    """Describe errors of list items truthfully in the schema (a drf-spectacular postprocessing hook).

    drf-standardized-errors names the error of a list's item "field.INDEX" in the schema and picks the error's
    component by that exact name, but the answer says "field.0": a client validating against the schema would
    reject a correct answer. Where such names occur, the endpoint's error item is the generic {code, detail, attr}.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        mapping = schema.get("discriminator", {}).get("mapping", {}) if schema.get("oneOf") else {}
        if name.endswith("Error") and any(".INDEX" in attr for attr in mapping):
            schemas[name] = dict(GENERIC_VALIDATION_ERROR)
    for name in [n for n in schemas if "INDEX" in n and n.endswith("ErrorComponent")]:
        del schemas[name]  # only the replaced unions referred to them
    return result
