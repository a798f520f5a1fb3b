"""Typed card numbers are throttled per till account and per partner (a QR token or number + code is a proof; a
number alone is something one could guess). Fixed windows in the cache, both counted in one round trip
(core.throttling.fixed_window_hits), shared by the API and the till page.

settings.LOYALTY_TYPED_LOOKUPS = {"user": (count, seconds), "partner": (count, seconds)}.
"""

from __future__ import annotations

from django.conf import settings

from core.throttling import Limit, fixed_window_hits

DEFAULTS = {"user": (30, 300), "partner": (120, 300)}


def _rates() -> dict[str, tuple[int, int]]:
    return {**DEFAULTS, **getattr(settings, "LOYALTY_TYPED_LOOKUPS", {})}


def typed_lookup_wait(*, user, partner) -> float | None:
    """Count one typed look-up; the seconds to wait when this till account or this partner has typed too many."""
    rates = _rates()
    waits = [w for w in fixed_window_hits([Limit(f"loyalty-typed:user:{user.pk}", *rates["user"]),
                                           Limit(f"loyalty-typed:partner:{partner.pk}", *rates["partner"])])
             if w is not None]
    return max(waits) if waits else None
