"""Shared pieces of the security tests: the operations of the generated OpenAPI schema and the URL patterns of
the pages and the admin, enumerated from the running configuration (so an operation added later is seen)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # the schema's template, e.g. /api/v1/centres/{id}/
    path_params: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    has_body: bool = False
    body_fields: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, values: dict[str, str] | None = None, default: str = "1") -> str:
        values = values or {}
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), default), self.path)


def schema_operations() -> list[Operation]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    ops = []
    for path, item in sorted(schema["paths"].items()):
        for method, op in sorted(item.items()):
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            params = op.get("parameters", [])
            body_fields: tuple[str, ...] = ()
            body = op.get("requestBody", {}).get("content", {})
            json_schema = (body.get("application/json") or {}).get("schema", {})
            ref = json_schema.get("$ref", "")
            if ref:
                body_fields = tuple(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            ops.append(Operation(
                method=method.upper(), path=path,
                path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                query_params=tuple(p["name"] for p in params if p["in"] == "query"),
                has_body=bool(body), body_fields=body_fields))
    return ops


@dataclass(frozen=True)
class Page:
    route: str  # a Django route with its converters, e.g. konto/sesje/<int:pk>/zakoncz/
    name: str
    admin: bool

    @property
    def key(self) -> str:
        return self.route

    def url(self, value: str = "1") -> str:
        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: value, self.route)


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def page_patterns() -> list[Page]:
    """Every URL pattern that is not the API (the schema covers those), with regex routes shown as they are."""
    pages = []
    seen = set()
    for route, entry in _walk(get_resolver().url_patterns):
        route = route.replace("^", "").replace("$", "")
        if route.startswith("api/v1/") and not route.startswith("api/v1/auth"):
            continue
        if route in seen:
            continue
        seen.add(route)
        pages.append(Page(route=route, name=entry.name or "", admin=route.startswith("admin/")))
    return pages
