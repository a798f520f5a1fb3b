"""Typed card numbers are throttled per till account and per partner (a QR token or number + code is a proof; a
number alone is something one could guess). Fixed windows in the cache, shared by the API and the till page.

settings.LOYALTY_TYPED_LOOKUPS = {"user": (count, seconds), "partner": (count, seconds)}.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

DEFAULTS = {"user": (30, 300), "partner": (120, 300)}


def _rates() -> dict[str, tuple[int, int]]:
    return {**DEFAULTS, **getattr(settings, "LOYALTY_TYPED_LOOKUPS", {})}


def _hit(key: str, allowed: int, period: int) -> float | None:
    now = time.time()
    window = int(now // period)
    name = f"loyalty-typed:{key}:{window}"
    cache.add(name, 0, period + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between the two calls
        cache.set(name, 1, period + 5)
        count = 1
    if count > allowed:
        return (window + 1) * period - now
    return None


def typed_lookup_wait(*, user, partner) -> float | None:
    """Count one typed look-up; the seconds to wait when this till account or this partner has typed too many."""
    rates = _rates()
    waits = [w for w in (_hit(f"user:{user.pk}", *rates["user"]), _hit(f"partner:{partner.pk}", *rates["partner"]))
             if w is not None]
    return max(waits) if waits else None
