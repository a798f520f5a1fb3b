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
