"""API tokens that expire (settings.API_TOKEN_TTL_HOURS) and die with a password change or a log-out
(core.security's signal handlers delete them).

`CachedTokenAuthentication` answers a known token from the cache instead of a query: one look-up (`get_many` of
the identity version and the token's entry) gives the user, the token's age and whatever an app keeps with the
identity (`identity_part`: the partners a till account acts for, say). An entry is good only under the identity
version it was made under. The version is bumped, at once and again on commit, when a token is deleted or saved,
when a user is saved (except a log-in's `last_login`), deleted or changes groups or permissions, and when a model
an app registered (`register_identity_models`) is saved or deleted — so a revoked token, a deactivated person or a
removed membership is refused on the very next request, on every web server sharing the cache. Entries also live
only settings.API_TOKEN_CACHE_SECONDS (default 300). Changes that bypass model signals (`QuerySet.update()`, raw
SQL) call `bump_identities()`. The cache key is a hash of the token, and the cached user carries no password hash.

A view may also name limits to count in the identity's round trip (`identity_limits(request, ident)`, fixed windows
each with a tag) and what an identity acts for (`identity_tags(parts)`): the tags are kept beside the entry as a
guard of the entry's version and the token's expiry, and the script counts a limit only where the guard, of the
version it reads, lists the limit's tag (core.throttling.read_and_count_guarded). The request carries the answers
of the limits counted (GUARDED_ATTRIBUTE, by limit name); a limit not counted there is the view's to count.
"""

from __future__ import annotations

import copy
import hashlib
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.rows import one_row
from core.throttling import (
    COUNTED_ATTRIBUTE,
    IDENT,
    Guarded,
    RateThrottles,
    guard_value,
    read_and_count_guarded,
    set_many_with_plain,
)

IDENTITY_SECONDS = 300
_VERSION_KEY = "identity:v"
_ENTRY_PREFIX = "identity:t:"
_USER_PREFIX = "identity:u:"  # the user id of a token entry, read by the throttle script
_GUARD_PREFIX = "identity:g:"  # what a token entry may act for (its view's identity_tags), read by the script
GUARDED_ATTRIBUTE = "_identity_guarded"  # on a request: {limit name: answer} of the view's identity_limits
_TOKEN_LABEL = "authtoken.Token"
_identity_models: set[str] = {_TOKEN_LABEL}


def token_expires_at(token):
    return token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_expired(token) -> bool:
    return token_expires_at(token) <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = self.token_and_user(key)
        return self.check_expiry(user, token)

    def token_and_user(self, key):
        """DRF's check (an unknown key or an inactive user is refused with its messages) in one query whose
        SQL is built once (core.rows), instead of compiling `select_related("user").get(key=…)` each time."""
        token = one_row(self.get_model(), key=key, related="user")
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token

    def check_expiry(self, user, token):
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired; ask for a new one."))
        return user, token


# --- The identity version -------------------------------------------------------------------------------

def _identity_seconds() -> int:
    return getattr(settings, "API_TOKEN_CACHE_SECONDS", IDENTITY_SECONDS)


def _fresh_version() -> int:
    # Time-based, so a version lost from the cache (eviction, restart) never comes back at an old value.
    return time.time_ns() // 1000


def _bump_now() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # not there yet (or evicted)
        cache.set(_VERSION_KEY, _fresh_version(), None)


def bump_identities() -> None:
    """Forget every cached token identity: now (this transaction sees its own change) and on commit (an entry
    made meanwhile from the old rows is thrown away too)."""
    _bump_now()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(entry[1] is _bump_now for entry in connection.run_on_commit):
        transaction.on_commit(_bump_now, robust=True)  # once per transaction, however many rows it changes


def register_identity_models(*model_labels: str) -> None:
    """Models ("app_label.ModelName") whose saves and deletions change what an app keeps with an identity (a
    membership, a partner): each one bumps the identity version. Call it from the app's AppConfig.ready()."""
    _identity_models.update(model_labels)


def _user_label() -> str:
    return settings.AUTH_USER_MODEL


def _on_save(sender, instance=None, created=False, update_fields=None, raw=False, **kwargs) -> None:
    label = sender._meta.label
    if label == _user_label():
        if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
            return  # a new person has no token yet; a log-in changes nothing a token answers
        bump_identities()
    elif label == _TOKEN_LABEL and created:
        return  # a new key has no cached entry
    elif label in _identity_models:
        bump_identities()


def _on_delete(sender, **kwargs) -> None:
    if sender._meta.label in _identity_models or sender._meta.label == _user_label():
        bump_identities()


def _on_m2m(sender, instance=None, model=None, action="", **kwargs) -> None:
    if not action.startswith("post_"):
        return
    labels = {type(instance)._meta.label, model._meta.label if model is not None else ""}
    if _user_label() in labels or labels & _identity_models:
        bump_identities()


post_save.connect(_on_save, dispatch_uid="core.tokens.post_save")
post_delete.connect(_on_delete, dispatch_uid="core.tokens.post_delete")
m2m_changed.connect(_on_m2m, dispatch_uid="core.tokens.m2m_changed")


# --- The cached authentication ---------------------------------------------------------------------------

# Entries as decoded in this process, by their stored bytes: the same bytes are the same entry, so an entry is
# unpickled (its user, partners and perks: ~5 model instances) once per process, not on every request. The
# request gets its own copy of the user; the rest is read only. Forgotten wholesale beyond _DECODED_KEPT.
_decoded: dict[bytes, dict] = {}
_DECODED_KEPT = 2_000


def _decoded_entry(raw: bytes, decode: Callable[[bytes], Any]) -> dict:
    entry = _decoded.get(raw)
    if entry is None:
        if len(_decoded) >= _DECODED_KEPT:
            _decoded.clear()
        entry = _decoded[raw] = decode(raw)
    return entry


def _plain(raw: bytes, _decode: Callable[[bytes], Any]) -> bytes:
    return raw  # a guard, stored as a plain string for the throttle script (not pickled)


def _entry_key(key: str) -> str:
    return _ENTRY_PREFIX + hashlib.sha256(key.encode()).hexdigest()


class CachedTokenAuthentication(ExpiringTokenAuthentication):
    """ExpiringTokenAuthentication with the token's user (and the apps' identity parts) from the cache: a known
    token costs one cache look-up instead of a query. Same answers: an unknown token or an inactive user is
    refused by DRF's own check (never cached), an expired token is deleted and refused. A view whose tokens are
    used once each (a vote) says `cache_token_identity = False` and gets the plain query alone."""

    def authenticate(self, request):
        # The view's `identity_parts` ({name: build}) are made with a new entry, so it is written once.
        context = getattr(request, "parser_context", None) or {}
        view = context.get("view")
        self._parts = getattr(view, "identity_parts", None) or {}
        self._cached = getattr(view, "cache_token_identity", True)
        self._view = view
        self._request = request
        self._counted = None
        self._guarded = None
        answer = super().authenticate(request)
        if self._counted is not None:
            setattr(request, COUNTED_ATTRIBUTE, self._counted)  # RateThrottles takes these answers
        if self._guarded:
            setattr(request, GUARDED_ATTRIBUTE, self._guarded)  # the view's identity_limits, counted
        return answer

    def authenticate_credentials(self, key):
        if not getattr(self, "_cached", True):  # the view uses tokens once each: the plain query, no cache
            return ExpiringTokenAuthentication.authenticate_credentials(self, key)
        entry_key = _entry_key(key)
        user_key = _USER_PREFIX + entry_key[len(_ENTRY_PREFIX):]
        guard_key = _GUARD_PREFIX + entry_key[len(_ENTRY_PREFIX):]
        # The view's throttles are counted in the same round trip as the identity is read, for the user the
        # token's entry names (core.throttling.read_and_count), and so are the limits the view names for this
        # request (identity_limits), where the entry's guard lists their tags (identity_tags).
        view = getattr(self, "_view", None)
        limits = (RateThrottles.limits_for(view, ident=IDENT, signed_in=True)
                  if view is not None and RateThrottles.used_by(view) else [])
        guarded: list[Guarded] = []
        request = getattr(self, "_request", None)
        if limits and request is not None and hasattr(view, "identity_limits") and hasattr(view, "identity_tags"):
            guarded = view.identity_limits(request, IDENT)
        found, answers, counted = read_and_count_guarded(
            [_VERSION_KEY, entry_key, user_key, *([guard_key] if guarded else [])], limits,
            ident_from=user_key if limits else None,
            decode_with={entry_key: _decoded_entry, guard_key: _plain},
            guarded=guarded, guard_from=guard_key, version_from=_VERSION_KEY)
        version = found.get(_VERSION_KEY)
        if version is None:
            cache.add(_VERSION_KEY, _fresh_version(), None)
            version = cache.get(_VERSION_KEY)
        entry = found.get(entry_key)
        if entry is not None and entry.get("v") == version:
            user = copy.copy(entry["user"])  # the request's own; the entry stays as cached
            token = self.get_model()(key=key, user=user, created=entry["created"])
        else:
            user, token = self.token_and_user(key)
            stored = copy.copy(user)
            stored.__dict__.pop("password", None)  # deferred: read from the database if ever asked for
            parts = {name: build(user) for name, build in getattr(self, "_parts", {}).items()}
            entry = {"v": version, "user": stored, "created": token.created, "parts": parts}
            # The user's id apart, as a plain number the throttle script can read, and what the identity may act
            # for (the view's identity_tags), for the limits the script counts with it.
            guard = ({guard_key: guard_value(version, token_expires_at(token).timestamp(), view.identity_tags(parts))}
                     if hasattr(view, "identity_tags") else {})
            set_many_with_plain({entry_key: entry, user_key: user.pk}, guard, _identity_seconds())
        token._identity = (entry_key, entry)
        if answers is not None and found.get(user_key) == user.pk:
            self._counted = ([limit.for_ident(user.pk) for limit in limits], answers)
            self._guarded = {g.limit.for_ident(user.pk).name: answer
                             for g, answer in zip(guarded, counted, strict=True) if answer is not False}
        return self.check_expiry(user, token)


def has_cached_identity(request) -> bool:
    """Whether the request was authenticated by CachedTokenAuthentication (so identity_part is kept)."""
    return getattr(getattr(request, "auth", None), "_identity", None) is not None


def identity_part(request, name: str, build: Callable[[Any], Any]):
    """`build(request.user)` kept with the request's cached token identity (under the same version): an app's
    per-person data that changes as seldom as a membership costs nothing after the first request. A view that
    always needs it lists it in `identity_parts = {name: build}`, so a new entry is made with it (one cache write
    instead of two). Requests not
    authenticated by CachedTokenAuthentication (a session) get `build()` afresh. Register the models the value
    is made of with `register_identity_models`, so a change of them bumps the version."""
    found = getattr(getattr(request, "auth", None), "_identity", None)
    if found is None:
        return build(request.user)
    entry_key, entry = found
    parts = entry["parts"]
    if name not in parts:
        parts[name] = build(request.user)
        cache.set(entry_key, entry, _identity_seconds())
    return parts[name]
