"""Shared API pieces: the one router of /api/v1/, pagination classes and permission helpers.

Each app registers its viewsets on `router` in its own `api.py`; portal/urls.py imports those modules.
"""

from __future__ import annotations

from django.urls import include, path, re_path
from rest_framework import pagination, permissions
from rest_framework.routers import DefaultRouter, SimpleRouter
from rest_framework.urlpatterns import format_suffix_patterns


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


class GroupedRouter(DefaultRouter):
    """DRF's DefaultRouter whose URLs resolve as a tree: the first segment of a prefix ("loyalty/"), then the
    view set ("verify/"), then its routes. Flat, a request was matched against up to 146 patterns in turn, each
    failure kept for the 404 page: /api/v1/loyalty/verify/ was the 108th, 15 % of a till check's CPU in the
    benchmark. Same paths (format suffixes too), names and schema."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._first: list[str] = []

    def resolve_first(self, prefix: str) -> None:
        """Try a registered prefix's routes before every other's: a path on the hot path of many requests (the
        till's check, the vote) is then matched against a handful of patterns, not the dozens registered before
        it. The paths, names and schema stay the same; only the order of matching changes."""
        if prefix not in {registered for registered, _viewset, _basename in self.registry}:
            raise ValueError(f"{prefix!r} is not registered on the router")
        if prefix not in self._first:
            self._first.append(prefix)
        if hasattr(self, "_urls"):  # DRF keeps the URLs it made: make them again in the new order
            del self._urls

    def get_urls(self) -> list:
        first = {prefix: i for i, prefix in enumerate(self._first)}
        in_order = sorted(self.registry, key=lambda entry: first.get(entry[0], len(first)))  # stable
        items: list = []  # flat routes, and each group's head where its first prefix comes
        groups: dict[str, list] = {}
        for prefix, viewset, basename in in_order:
            head, _slash, rest = prefix.partition("/")
            if rest:
                if head not in groups:
                    groups[head] = []
                    items.append(head)
                groups[head].extend(self._viewset_urls(rest, viewset, basename))
            else:
                items.extend(self._viewset_urls(prefix, viewset, basename))
        urls = [re_path(f"^{item}/", include(groups[item])) if isinstance(item, str) else item for item in items]
        if self.include_root_view:
            root = [path("", self.get_api_root_view(api_urls=urls), name=self.root_view_name)]
            urls += format_suffix_patterns(root) if self.include_format_suffixes else root
        return urls

    def _viewset_urls(self, prefix: str, viewset, basename: str) -> list:
        """The view set's routes (with their format suffixes) under one pattern `^prefix/`, each without the
        prefix; the list's own suffix (`prefix.json`) stays beside it."""
        registry = self.registry
        try:
            self.registry = [(prefix, viewset, basename)]
            routes = SimpleRouter.get_urls(self)
        finally:
            self.registry = registry
        if self.include_format_suffixes:
            routes = format_suffix_patterns(routes)
        head = f"^{prefix}/"  # unescaped, as DRF writes a prefix into its patterns
        inner = [re_path("^" + r.pattern.regex.pattern[len(head):], r.callback, r.default_args, r.name)
                 for r in routes if r.pattern.regex.pattern.startswith(head)]
        beside = [r for r in routes if not r.pattern.regex.pattern.startswith(head)]
        return [*beside, re_path(head, include(inner))] if inner else beside


router = GroupedRouter()
router.include_root_view = True
