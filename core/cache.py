"""Cached public reads: whole responses of public lists and pages, per language, per query, per centre.

A cached response lives under a key that holds the *version* of every area it shows (`perks`, `permits`, ...).
Saving or deleting a model an area depends on (listed below by model label, so core imports no app) bumps the
area's version at once and again when the transaction commits, so the next request renders afresh: an edit is
visible immediately, on every web server sharing the cache (Redis in production, local memory by default).

What is never cached: anything but GET/HEAD, a request with an `Authorization` header, a signed-in user, a
visitor with pending messages, and any response that is not a 200 of the expected type, sets a cookie of its
own, used or queued a message, or says `private`/`no-store`. A page's CSRF tokens are cut out before storing
and each visitor gets a token of their own on the way out (so the CSRF middleware sets *their* cookie); the
stored body holds no per-user part. Answers carry an `ETag` (a conditional GET gets a 304) and
`Cache-Control: max-age=0, must-revalidate`, so browsers and a reverse proxy revalidate cheaply but never show
a stale list.

Off with `settings.PUBLIC_CACHE = False` (the benchmark's "before" figures). Use: `@public_page("perks")` on a function view, `PublicCacheMixin` with `public_cache_area = "perks"` on a DRF
view set (JSON answers only). Changes that bypass model signals (`QuerySet.update()`, raw SQL) call `bump()`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core.dates import today

# Area -> the models whose rows it shows ("app_label.ModelName"). Every public page shows the centre.
AREAS: dict[str, tuple[str, ...]] = {
    "home": ("centres.Centre",),
    "perks": ("centres.Centre", "centres.Business", "centres.Street", "centres.Zone", "loyalty.Partner",
              "loyalty.Perk"),
    "permits": ("centres.Centre", "centres.Business", "centres.Street", "centres.Zone", "gardens.Season",
                "gardens.AestheticRule", "gardens.GardenApplication"),
    # Votes are not shown on a contest's page (results are, once published: publishing saves the contest).
    "contests": ("centres.Centre", "centres.Business", "gardens.GardenApplication", "murals.Wall",
                 "murals.MuralDesignEntry", "contests.Contest", "contests.Phase", "contests.Entry",
                 "contests.EntryImage", "contests.Nomination", "contests.VotingRound", "contests.RoundEntry",
                 "contests.Criterion"),
    # The open-data layers of the map (core.opendata): gardens, murals, partners.
    "open-data": ("centres.Centre", "centres.Business", "centres.Street", "centres.Zone", "gardens.Season",
                  "gardens.GardenApplication", "murals.Artist", "murals.Wall", "murals.Mural", "murals.MuralPhoto",
                  "loyalty.Partner", "loyalty.Perk"),
    "contest-results": ("centres.Centre", "contests.Contest", "contests.Entry", "contests.VotingRound",
                        "contests.RoundEntry", "contests.Vote", "contests.PaperBallotBatch", "contests.Score",
                        "contests.Criterion", "contests.JuryMember"),
}
DEFAULT_TIMEOUT = 300  # seconds; the day is part of the key, so date-bound lists turn over at midnight
CSRF_PLACEHOLDER = "__public_cache_csrf_token__"
_KEY_PREFIX = "public"
_TOKEN_RE = re.compile(r"[A-Za-z0-9]{64}")
KEPT_HEADERS = ("Content-Disposition", "Access-Control-Allow-Origin", "Link", "Content-Language")


def register(area: str, *model_labels: str) -> None:
    """Add models to an area (an app may do so from its AppConfig.ready)."""
    AREAS[area] = tuple(dict.fromkeys((*AREAS.get(area, ()), *model_labels)))
    _areas_of_label.cache_clear()


@functools.cache
def _areas_of_label(label: str) -> tuple[str, ...]:
    return tuple(area for area, labels in AREAS.items() if label in labels)


# --- Versions -----------------------------------------------------------------------------------------

def _version_key(area: str) -> str:
    return f"{_KEY_PREFIX}:v:{area}"


def _fresh_version() -> int:
    # Time-based, so a version key lost from the cache (eviction, restart) never comes back at an old value.
    return time.time_ns() // 1000


def versions(areas: Iterable[str]) -> dict[str, int]:
    keys = {_version_key(a): a for a in areas}
    found = cache.get_many(list(keys))
    for key in keys:
        if key not in found:
            cache.add(key, _fresh_version(), None)
            found[key] = cache.get(key)
    return {area: found[key] for key, area in keys.items()}


def _bump_now(areas: Iterable[str]) -> None:
    for area in areas:
        key = _version_key(area)
        try:
            cache.incr(key)
        except ValueError:  # not there (never read yet, or evicted)
            cache.set(key, _fresh_version(), None)


def bump(*areas: str) -> None:
    """Invalidate the areas' cached responses: now (this transaction sees its own change) and on commit (a
    response rendered meanwhile from the old rows is thrown away too)."""
    unknown = set(areas) - set(AREAS)
    if unknown:
        raise ValueError(f"Unknown public cache areas: {sorted(unknown)}")
    _bump_now(areas)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump_now(areas), robust=True)


def _on_change(sender, instance=None, **kwargs) -> None:
    model = type(instance) if instance is not None and not isinstance(instance, type) else sender
    areas = _areas_of_label(model._meta.label)
    if areas:
        bump(*areas)


def _on_m2m_change(sender, instance=None, model=None, **kwargs) -> None:
    if not kwargs.get("action", "").startswith("post_"):
        return
    areas = set(_areas_of_label(type(instance)._meta.label)) | set(_areas_of_label(model._meta.label))
    if areas:
        bump(*areas)


post_save.connect(_on_change, dispatch_uid="core.cache.post_save")
post_delete.connect(_on_change, dispatch_uid="core.cache.post_delete")
m2m_changed.connect(_on_m2m_change, dispatch_uid="core.cache.m2m_changed")


def cached_value(area: str, key: str, make: Callable, *, timeout: int = DEFAULT_TIMEOUT):
    """`make()`'s value kept under the area's current version: a read that changes as seldom as a public list
    (a partner's perks at the till) costs one cache look-up instead of a query, and is fresh after any change."""
    full = f"{_KEY_PREFIX}:value:{area}:{versions([area])[area]}:{key}"
    found = cache.get(full)
    if found is None:
        found = make()
        cache.set(full, found, timeout)
    return found


# --- Serving ------------------------------------------------------------------------------------------

def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    if "messages" in request.COOKIES:  # a message waiting to be shown (cookie storage)
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.get("_messages"))


def _key(request: HttpRequest, area: str, *, vary_on_accept: bool) -> str:
    version = versions([area])[area]
    session = getattr(request, "session", None)
    centre = (session.get("centre") if session is not None else None) or "-"
    query = request.get_full_path()
    if vary_on_accept:
        query += "\n" + request.META.get("HTTP_ACCEPT", "")
    digest = hashlib.md5(query.encode(), usedforsecurity=False).hexdigest()
    return f"{_KEY_PREFIX}:{area}:{version}:{translation.get_language()}:{centre}:{today().isoformat()}:{digest}"


def _without_csrf_tokens(request: HttpRequest, body: str) -> tuple[str, bool] | None:
    """The body with every CSRF token of this request replaced by the placeholder; None if a trace is left."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return body, False
    found = False

    def replace(match: re.Match) -> str:
        nonlocal found
        if _unmask_cipher_token(match.group(0)) == secret:
            found = True
            return CSRF_PLACEHOLDER
        return match.group(0)

    body = _TOKEN_RE.sub(replace, body)
    if secret in body:
        return None
    return body, found


def _storable(request: HttpRequest, response: HttpResponse, *, content_type: str | tuple[str, ...]) -> dict | None:
    if response.status_code != 200 or getattr(response, "streaming", False) or response.cookies:
        return None
    if not response.get("Content-Type", "").startswith(content_type):
        return None
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return None
    storage = getattr(request, "_messages", None)
    if storage is not None and (getattr(storage, "used", False) or getattr(storage, "_queued_messages", None)):
        return None
    charset = response.charset or "utf-8"
    cleaned = _without_csrf_tokens(request, response.content.decode(charset))
    if cleaned is None:
        return None
    body, has_token = cleaned
    return {"body": body, "csrf": has_token, "content_type": response["Content-Type"], "charset": charset,
            "etag": hashlib.md5(body.encode(charset), usedforsecurity=False).hexdigest(),
            "headers": {h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
            "vary": ("Accept-Language", "Cookie", *(("Accept",) if "Accept" in response.get("Vary", "") else ()))}


def _respond(request: HttpRequest, entry: dict, state: str) -> HttpResponse:
    etag = entry["etag"]
    if entry["csrf"]:
        # The page holds the visitor's token: a 304 is only right for the same CSRF cookie.
        cookie = request.COOKIES.get("csrftoken", "")
        etag = hashlib.md5(f"{etag}:{cookie}".encode(), usedforsecurity=False).hexdigest()
    etag = f'"{etag}"'
    if etag in [t.strip() for t in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        body = entry["body"]
        if entry["csrf"]:
            body = body.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(body.encode(entry["charset"]), content_type=entry["content_type"])
        for header, value in entry.get("headers", {}).items():
            response[header] = value
    response["ETag"] = etag
    response["Cache-Control"] = ("private" if entry["csrf"] else "public") + ", max-age=0, must-revalidate"
    response["X-Public-Cache"] = state
    patch_vary_headers(response, entry.get("vary", ("Accept-Language", "Cookie")))
    return response


def serve(request: HttpRequest, area: str, render: Callable[[], HttpResponse], *, timeout: int = DEFAULT_TIMEOUT,
          content_type: str | tuple[str, ...] = "text/html", vary_on_accept: bool = False) -> HttpResponse:
    """The cached response of a public read, or `render()`'s (stored when it may be)."""
    if area not in AREAS:
        raise ValueError(f"Unknown public cache area {area!r}")
    if not getattr(settings, "PUBLIC_CACHE", True) or not _cacheable_request(request):
        return render()
    key = _key(request, area, vary_on_accept=vary_on_accept)
    entry = cache.get(key)
    if entry is not None:
        return _respond(request, entry, "hit")
    response = render()
    if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
        response.render()
    entry = _storable(request, response, content_type=content_type)
    if entry is None:
        return response
    cache.set(key, entry, timeout)
    return _respond(request, entry, "miss")


def public_page(area: str, *, timeout: int = DEFAULT_TIMEOUT) -> Callable:
    """Decorator of a public HTML view: anonymous visitors get the cached page of the area's current version."""
    if area not in AREAS:
        raise ValueError(f"Unknown public cache area {area!r}")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            return serve(request, area, lambda: view(request, *args, **kwargs), timeout=timeout)
        return wrapped
    return decorator


class PublicCacheMixin:
    """For a DRF view set whose GETs are public: anonymous JSON answers come from the cache."""

    public_cache_area: str = ""
    public_cache_timeout: int = DEFAULT_TIMEOUT
    public_cache_content_types: tuple[str, ...] = ("application/json",)

    def dispatch(self, request, *args, **kwargs):
        parent = super().dispatch
        return serve(request, self.public_cache_area, lambda: parent(request, *args, **kwargs),
                     timeout=self.public_cache_timeout, content_type=self.public_cache_content_types,
                     vary_on_accept=True)


# --- Dashboard figures --------------------------------------------------------------------------------

FIGURES_SECONDS = 300


def cached_figures(make: Callable, *, seconds: int | None = None) -> Callable:
    """Wrap a figure maker `make(centre)` (a dashboard chart or headline over a year of checks) so that its
    result is kept per centre, language and day for `seconds` (settings.DASHBOARD_FIGURES_SECONDS, default 300;
    0 computes every time). Aggregates over a million rows take a second; a dashboard that says "as of a few
    minutes ago" opens at once. Nothing invalidates them but time: they are figures of a year."""
    name = f"{make.__module__}.{make.__qualname__}"

    @functools.wraps(make)
    def wrapped(centre):
        ttl = seconds if seconds is not None else getattr(settings, "DASHBOARD_FIGURES_SECONDS", FIGURES_SECONDS)
        if not ttl:
            return make(centre)
        key = f"{_KEY_PREFIX}:figures:{name}:{centre.pk}:{translation.get_language()}:{today().isoformat()}"
        found = cache.get(key)
        if found is None:
            found = make(centre)
            cache.set(key, found, ttl)
        return found

    wrapped.uncached = make
    return wrapped


def forget_figures() -> None:
    """Drop every cached dashboard figure (the bench's cold measurement; after a bulk import)."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern(f"{_KEY_PREFIX}:figures:*")
        return
    client = getattr(cache, "_cache", None)
    if hasattr(client, "get_client"):  # Django's RedisCache
        redis = client.get_client(write=True)
        pattern = cache.make_key(f"{_KEY_PREFIX}:figures:*")
        for key in redis.scan_iter(match=pattern):
            redis.delete(key)
    elif isinstance(client, dict):  # local memory
        for key in [k for k in client if f"{_KEY_PREFIX}:figures:" in k]:
            cache.delete(key.split(":", 2)[-1])
