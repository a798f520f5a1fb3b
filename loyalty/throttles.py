"""Typed card numbers are throttled per till account and per partner (a QR token or number + code is a proof; a
number alone is something one could guess). Fixed windows in the cache, both counted in one round trip
(core.throttling.fixed_window_hits), shared by the API and the till page.

settings.LOYALTY_TYPED_LOOKUPS = {"user": (count, seconds), "partner": (count, seconds)}.
"""

from __future__ import annotations

from django.conf import settings

from core.throttling import Guarded, Limit, fixed_window_hits

DEFAULTS = {"user": (30, 300), "partner": (120, 300)}


def _rates() -> dict[str, tuple[int, int]]:
    return {**DEFAULTS, **getattr(settings, "LOYALTY_TYPED_LOOKUPS", {})}


def _limits(*, user_id, partner_id) -> list[Limit]:
    rates = _rates()
    return [Limit(f"loyalty-typed:user:{user_id}", *rates["user"]),
            Limit(f"loyalty-typed:partner:{partner_id}", *rates["partner"])]


def partner_tag(partner_id: int) -> str:
    """The tag of a partner among what a till's cached identity may act for (core.tokens identity_tags)."""
    return f"partner:{partner_id}"


def typed_lookup_guarded(*, user_ident: str, partner_id: int) -> list[Guarded]:
    """The typed-number limits of a typed look-up at this partner's till, for the token authentication to count
    with the till's identity (core.tokens: `identity_limits`): counted only where the identity acts for the
    partner, so no till spends another partner's allowance by naming it."""
    return [Guarded(limit, partner_tag(partner_id)) for limit in _limits(user_id=user_ident, partner_id=partner_id)]


def typed_lookup_wait(*, user, partner, counted: dict | None = None) -> float | None:
    """Count one typed look-up; the seconds to wait when this till account or this partner has typed too many.
    `counted` holds the answers of the limits the token authentication already counted (by limit name): those
    are not counted again."""
    limits = _limits(user_id=user.pk, partner_id=partner.pk)
    counted = counted or {}
    if all(limit.name in counted for limit in limits):
        answers = [counted[limit.name] for limit in limits]
    else:
        answers = fixed_window_hits(limits)
    waits = [w for w in answers if w is not None]
    return max(waits) if waits else None
