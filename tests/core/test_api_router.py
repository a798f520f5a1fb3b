"""core.api.GroupedRouter: the API's URLs resolve as a tree, with the paths, names and suffixes of a flat router."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, resolve
from rest_framework.routers import DefaultRouter

from core.api import router


def _flatten(patterns, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for p in patterns:
        regex = p.pattern.regex.pattern
        joined = prefix + (regex[1:] if prefix and regex.startswith("^") else regex)
        if isinstance(p, URLResolver):
            out.update(_flatten(p.url_patterns, joined))
        elif isinstance(p, URLPattern):
            out[joined] = p.name
    return out


def test_the_tree_holds_the_very_routes_of_a_flat_router():
    import portal.urls  # noqa: F401  (the apps register their view sets when their api modules load)

    flat = DefaultRouter()
    flat.registry = list(router.registry)
    assert _flatten(router.get_urls()) == _flatten(flat.get_urls())


def test_a_till_check_is_matched_against_few_patterns():
    match = resolve("/api/v1/loyalty/verify/")
    assert match.url_name == "loyalty-verify-list"
    assert len(match.tried) < 40  # flat, it was the 108th of the router's 146 patterns
    assert resolve("/api/v1/loyalty/verify.json").kwargs == {"format": "json"}
    assert resolve("/api/v1/loyalty/cards/7/activate/").kwargs == {"pk": "7"}
