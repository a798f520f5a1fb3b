"""Rate limits in one cache round trip.

`RateThrottles` is DRF's three default throttles in one class — `anon` (anonymous visitors, by address), `user` (a
signed-in user by id, an anonymous visitor by address) and the view's `throttle_scope` (by user id or address) —
with DRF's rates (`DEFAULT_THROTTLE_RATES`, read from `SimpleRateThrottle.THROTTLE_RATES` at each request, so a
test may change them) and DRF's meaning: a sliding window of the last `duration` seconds per scope and client, a
scope that refuses records nothing, the others still count the request, and the 429 carries `Retry-After` (the
longest wait of the refusing scopes, computed as DRF does). DRF's classes cost a get and a set per scope; here all
the request's scopes are one Lua script on Redis (sorted sets of request times, atomic, so two requests at once
cannot both take the last place), or a get_many and set_many on any other cache (local memory in development).

`fixed_window_hits` counts fixed windows (INCR + EXPIRE) for several limits in one pipeline: the till's typed-number
limits per till account and per partner (loyalty.throttles).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

_PREFIX = "rate"

# KEYS: one sorted set per scope. ARGV: now, a unique member, then (limit, duration) per key.
# Answers per key: "" when counted, else "<oldest time>:<count>" (strings: Lua numbers would be truncated).
_SLIDING_SCRIPT = """
local now = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local duration = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    out[i] = (oldest[2] or '') .. ':' .. count
  else
    redis.call('ZADD', key, now, ARGV[2])
    redis.call('EXPIRE', key, math.ceil(duration))
    out[i] = ''
  end
end
return out
"""


@dataclass(frozen=True)
class Limit:
    name: str  # the cache key's name (unprefixed)
    allowed: int
    seconds: int


def _redis():
    """The redis-py client behind Django's RedisCache, or None for any other cache backend."""
    backend = getattr(cache, "_cache", None)  # `cache` is a proxy: look at what it stands for
    if not isinstance(backend, RedisCacheClient):
        return None
    return backend.get_client(write=True)


def _sliding_wait(now: float, duration: int, allowed: int, history_oldest: float | None, count: int) -> float | None:
    """DRF's SimpleRateThrottle.wait(): the time left of the oldest request's window spread over the places left."""
    remaining = duration - (now - history_oldest) if history_oldest is not None else duration
    available = allowed - count + 1
    if available <= 0:
        return None
    return remaining / float(available)


def sliding_window_hits(limits: list[Limit], *, now: float | None = None) -> list[tuple[bool, float | None]]:
    """Count one request against each limit (sliding windows); per limit (allowed, wait if refused)."""
    if not limits:
        return []
    now = time.time() if now is None else now
    client = _redis()
    if client is not None:
        keys = [cache.make_and_validate_key(f"{_PREFIX}:{limit.name}") for limit in limits]
        args: list = [repr(now), f"{now!r}:{uuid.uuid4().hex}"]
        for limit in limits:
            args += [limit.allowed, limit.seconds]
        answers = client.eval(_SLIDING_SCRIPT, len(keys), *keys, *args)
        out = []
        for limit, answer in zip(limits, answers, strict=True):
            answer = answer.decode() if isinstance(answer, bytes) else answer
            if not answer:
                out.append((True, None))
                continue
            oldest, count = answer.rsplit(":", 1)
            out.append((False, _sliding_wait(now, limit.seconds, limit.allowed,
                                              float(oldest) if oldest else None, int(count))))
        return out
    # Any other cache: DRF's lists of request times, newest first, read and written in one call each.
    names = [f"{_PREFIX}:{limit.name}" for limit in limits]
    found = cache.get_many(names)
    out, changed = [], {}
    for name, limit in zip(names, limits, strict=True):
        history = [t for t in found.get(name, []) if t > now - limit.seconds]
        if len(history) >= limit.allowed:
            out.append((False, _sliding_wait(now, limit.seconds, limit.allowed,
                                              history[-1] if history else None, len(history))))
            continue
        history.insert(0, now)
        changed[name] = (history, limit.seconds)
        out.append((True, None))
    for seconds in {s for _h, s in changed.values()}:
        cache.set_many({n: h for n, (h, s) in changed.items() if s == seconds}, seconds)
    return out


def fixed_window_hits(limits: list[Limit], *, now: float | None = None) -> list[float | None]:
    """Count one hit against each limit in its current fixed window (`seconds` long); per limit the seconds
    until the window ends when the hit is over the limit, else None. One pipeline on Redis."""
    now = time.time() if now is None else now
    windows = [int(now // limit.seconds) for limit in limits]
    names = [f"{_PREFIX}:{limit.name}:{window}" for limit, window in zip(limits, windows, strict=True)]
    client = _redis()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for name, limit in zip(names, limits, strict=True):
            key = cache.make_and_validate_key(name)
            pipe.incr(key)
            pipe.expire(key, limit.seconds + 5)
        counts = pipe.execute()[::2]
    else:
        counts = []
        for name, limit in zip(names, limits, strict=True):
            cache.add(name, 0, limit.seconds + 5)
            try:
                counts.append(cache.incr(name))
            except ValueError:  # expired between the two calls
                cache.set(name, 1, limit.seconds + 5)
                counts.append(1)
    return [(window + 1) * limit.seconds - now if count > limit.allowed else None
            for limit, window, count in zip(limits, windows, counts, strict=True)]


class RateThrottles(BaseThrottle):
    """DRF's AnonRateThrottle, UserRateThrottle and ScopedRateThrottle in one round trip (see the module)."""

    def _limits(self, request, view) -> list[Limit]:
        rates = SimpleRateThrottle.THROTTLE_RATES
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        ident = str(user.pk) if signed_in else self.get_ident(request)
        wanted = [] if signed_in else ["anon"]
        wanted.append("user")
        scope = getattr(view, "throttle_scope", None)
        limits = []
        for name in wanted:
            if name not in rates:
                raise ImproperlyConfigured(f"No default throttle rate set for '{name}' scope")
            limits.append(self._limit(name, rates[name], ident))
        if scope:
            if scope not in rates:
                raise ImproperlyConfigured(f"No default throttle rate set for '{scope}' scope")
            limits.append(self._limit(scope, rates[scope], ident))
        return [limit for limit in limits if limit is not None]

    @staticmethod
    def _limit(scope: str, rate: str | None, ident: str) -> Limit | None:
        allowed, seconds = SimpleRateThrottle.parse_rate(None, rate)
        if allowed is None:
            return None
        return Limit(f"{scope}:{ident}", allowed, seconds)

    def allow_request(self, request, view) -> bool:
        answers = sliding_window_hits(self._limits(request, view))
        self._waits = [wait for allowed, wait in answers if not allowed]
        return not any(not allowed for allowed, _wait in answers)

    def wait(self) -> float | None:
        waits = [w for w in self._waits if w is not None]
        return max(waits, default=None)
