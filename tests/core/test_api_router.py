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
    assert len(match.tried) < 8  # flat, it was the 108th of the router's 146 patterns; grouped, the 21st
    vote = resolve("/api/v1/contests/votes/")
    assert vote.url_name == "contest-vote-list" and len(vote.tried) < 8
    assert resolve("/api/v1/loyalty/verify.json").kwargs == {"format": "json"}
    assert resolve("/api/v1/loyalty/cards/7/activate/").kwargs == {"pk": "7"}


def test_a_prefix_resolved_first_keeps_every_path_and_name():
    from core.api import GroupedRouter

    plain, ordered = GroupedRouter(), GroupedRouter()
    for r in (plain, ordered):
        r.registry = list(router.registry)
    ordered.resolve_first("loyalty/verify")
    assert _flatten(ordered.get_urls()) == _flatten(plain.get_urls())
    assert next(iter(_flatten(ordered.get_urls()))).startswith("^loyalty/verify")


def test_only_a_registered_prefix_can_be_resolved_first():
    import pytest

    from core.api import GroupedRouter

    with pytest.raises(ValueError):
        GroupedRouter().resolve_first("loyalty/nothing")
