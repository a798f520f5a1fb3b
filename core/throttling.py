"""Rate limits in one cache round trip.

`RateThrottles` is DRF's three default throttles in one class — `anon` (anonymous visitors, by address), `user` (a
signed-in user by id, an anonymous visitor by address) and the view's `throttle_scope` (by user id or address) —
with DRF's rates (`DEFAULT_THROTTLE_RATES`, read from `SimpleRateThrottle.THROTTLE_RATES` at each request, so a
test may change them) and DRF's meaning: a sliding window of the last `duration` seconds per scope and client, a
scope that refuses records nothing, the others still count the request, and the 429 carries `Retry-After` (the
longest wait of the refusing scopes, computed as DRF does). DRF's classes cost a get and a set per scope; here all
the request's scopes are one Lua script on Redis (sorted sets of request times, atomic, so two requests at once
cannot both take the last place), or a get_many and set_many on any other cache (local memory in development).

`read_and_count(names, limits)` is the same script with cache reads in front: the token authentication reads
the till's cached identity and counts the request's throttles in one round trip (core.tokens), and
`RateThrottles` then takes those answers instead of asking again. The scripts run by their SHA1 (EVALSHA, loaded
once), not by sending their text with each call.

`fixed_window_hits` counts fixed windows (INCR + EXPIRE) for several limits in one pipeline: the till's typed-number
limits per till account and per partner (loyalty.throttles). `read_and_count_guarded` counts such windows in the
identity's script as well, each only where a guard kept beside the identity (`guard_value`: its version, its
expiry, its tags) lists the window's tag, and only when every sliding limit took the request; the till's typed
look-ups use it, guarded by the partners the till acts for, so a typed number costs no round trip of its own.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

_PREFIX = "rate"

# KEYS: the plain keys to read (ARGV[1] of them), then one sorted set per scope (ARGV[5] of them), then one fixed
# window per guarded limit. ARGV: the number of plain keys, now, a unique member, the position among the plain keys
# of the client's identifier (0: none), the number of sorted sets, the positions among the plain keys of the guard
# and of the version (0: none), then (limit, duration) per sorted set, then (seconds, tag) per fixed window. With an
# identifier, each sorted set's and window's key holds "{ident}", replaced by that key's value; when that key is
# missing nothing is counted. A fixed window is counted (INCR, EXPIRE) only when every sorted set took the request
# and the guard, "<version>|<expires>|,<tag>,<tag>,", is of the version read, not expired, and holds the window's
# tag. Answers: each plain key's value (nil when missing), then per sorted set "" when counted, else
# "<oldest time>:<count>" (strings: Lua numbers would be truncated), then per window its count (a string), or
# false when not counted.
_SLIDING_SCRIPT = """
local reads = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local ident_at = tonumber(ARGV[4])
local sets = tonumber(ARGV[5])
local guard_at = tonumber(ARGV[6])
local version_at = tonumber(ARGV[7])
local out = {}
for i = 1, reads do
  out[i] = redis.call('GET', KEYS[i])
end
local ident = nil
if ident_at > 0 then
  ident = out[ident_at]
  if not ident then
    return out
  end
end
local function named(key)
  if not ident then
    return key
  end
  local a, b = string.find(key, '{ident}', 1, true)
  if not a then
    return key
  end
  return string.sub(key, 1, a - 1) .. ident .. string.sub(key, b + 1)
end
local refused = false
for i = reads + 1, reads + sets do
  local key = named(KEYS[i])
  local j = i - reads
  local limit = tonumber(ARGV[6 + 2 * j])
  local duration = tonumber(ARGV[7 + 2 * j])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    out[i] = (oldest[2] or '') .. ':' .. count
    refused = true
  else
    redis.call('ZADD', key, now, ARGV[3])
    redis.call('EXPIRE', key, math.ceil(duration))
    out[i] = ''
  end
end
local tags = nil
if not refused and guard_at > 0 and version_at > 0 and out[guard_at] and out[version_at] then
  local version, expires, listed = string.match(out[guard_at], '^([^|]*)|([^|]*)|(.*)$')
  if version == out[version_at] and tonumber(expires) and tonumber(expires) > now then
    tags = listed
  end
end
for i = reads + sets + 1, #KEYS do
  local j = i - reads - sets
  local seconds = tonumber(ARGV[6 + 2 * sets + 2 * j])
  local tag = ARGV[7 + 2 * sets + 2 * j]
  if tags and string.find(tags, ',' .. tag .. ',', 1, true) then
    local key = named(KEYS[i])
    local count = redis.call('INCR', key)
    redis.call('EXPIRE', key, seconds + 5)
    out[i] = tostring(count)
  else
    out[i] = false
  end
end
return out
"""
IDENT = "{ident}"  # in a Limit's name given to read_and_count(ident_from=…): the client's identifier
_scripts: dict[int, object] = {}  # one registered script (EVALSHA) per redis-py client


@dataclass(frozen=True)
class Limit:
    name: str  # the cache key's name (unprefixed)
    allowed: int
    seconds: int

    def for_ident(self, ident) -> Limit:
        """This limit with IDENT in its name replaced by the client's identifier."""
        return Limit(self.name.replace(IDENT, str(ident)), self.allowed, self.seconds)


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
    return read_and_count([], limits, now=now)[1] or []


def read_and_count(names: list[str], limits: list[Limit], *, ident_from: str | None = None,
                   decode_with: dict[str, Callable[[bytes], Any]] | None = None, now: float | None = None,
                   ) -> tuple[dict[str, Any], list[tuple[bool, float | None]] | None]:
    """`cache.get_many(names)` and `sliding_window_hits(limits)` in one round trip on Redis (one script), in two
    calls on any other cache. With `ident_from` (one of `names`), the limits' names hold IDENT, which stands for
    that key's value (the user's id the token authentication keeps with a token's identity): the limits are
    counted for it, or not at all (answers None) when the key is missing. `decode_with` gives a name's stored
    bytes to a function of the caller's (given the cache's own decoder as well) instead of decoding them here;
    a cache other than Redis answers decoded values."""
    found, answers, _windows = read_and_count_guarded(names, limits, ident_from=ident_from,
                                                      decode_with=decode_with, now=now)
    return found, answers


@dataclass(frozen=True)
class Guarded:
    """A fixed-window limit counted in read_and_count_guarded's round trip only where the guard lets it: the
    guard (one of the names read) must be `guard_value(version, expires, tags)` of the version read, not expired,
    and list `tag`. Counted with the same keys as fixed_window_hits, so the two share their counts."""

    limit: Limit
    tag: str


def guard_value(version: Any, expires: float, tags: list[str]) -> str:
    """What read_and_count_guarded's guard holds: the version it was made under, when it stops counting (Unix
    seconds) and its tags."""
    return f"{version}|{expires!r}|,{','.join(tags)},"


def read_and_count_guarded(names: list[str], limits: list[Limit], *, ident_from: str | None = None,
                           decode_with: dict[str, Callable[[bytes], Any]] | None = None, now: float | None = None,
                           guarded: list[Guarded] | None = None, guard_from: str | None = None,
                           version_from: str | None = None,
                           ) -> tuple[dict[str, Any], list[tuple[bool, float | None]] | None,
                                      list[float | bool | None]]:
    """read_and_count, and in the same round trip the `guarded` fixed windows (their names may hold IDENT too),
    each counted only when every one of `limits` took the request and the guard (`guard_from`, one of `names`,
    see guard_value) is of the version `version_from` (one of `names`) holds, not expired, and lists its tag.
    The third answer has per guarded window: False when it was not counted (the caller counts it otherwise,
    if at all), else as fixed_window_hits answers (None, or the seconds to wait when over its limit). Off Redis
    the guarded windows are never counted here."""
    now = time.time() if now is None else now
    guarded = guarded or []
    client = _redis()
    decode = getattr(getattr(cache, "_cache", None), "decode", None)
    if client is None or (names and decode is None):
        found = cache.get_many(names) if names else {}
        if ident_from is not None:
            if found.get(ident_from) is None:
                return found, None, [False] * len(guarded)
            limits = [limit.for_ident(found[ident_from]) for limit in limits]
        return found, _sliding_elsewhere(limits, now), [False] * len(guarded)
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_SLIDING_SCRIPT)
    # make_key without Django's memcached-compatibility scan of every character (a warning only, and Redis takes
    # any key): about 4 µs a key on the till's path.
    keys = [cache.make_key(name) for name in names]
    keys += [cache.make_key(f"{_PREFIX}:{limit.name}") for limit in limits]
    windows = [int(now // g.limit.seconds) for g in guarded]
    keys += [cache.make_key(_window_name(g.limit, window)) for g, window in zip(guarded, windows, strict=True)]
    position = {name: i + 1 for i, name in enumerate(names)}
    args: list = [len(names), repr(now), f"{now!r}:{uuid.uuid4().hex}", position.get(ident_from, 0), len(limits),
                  position.get(guard_from, 0) if guarded else 0, position.get(version_from, 0) if guarded else 0]
    for limit in limits:
        args += [limit.allowed, limit.seconds]
    for g in guarded:
        args += [g.limit.seconds, g.tag]
    answers = script(keys=keys, args=args, client=client)
    special = decode_with or {}
    found = {name: special[name](raw, decode) if name in special else decode(raw)
             for name, raw in zip(names, answers, strict=False) if raw is not None}
    if ident_from is not None and len(answers) == len(names):
        return found, None, [False] * len(guarded)  # no identifier: nothing counted
    out = []
    for limit, answer in zip(limits, answers[len(names):len(names) + len(limits)], strict=True):
        answer = answer.decode() if isinstance(answer, bytes) else answer
        if not answer:
            out.append((True, None))
            continue
        oldest, count = answer.rsplit(":", 1)
        out.append((False, _sliding_wait(now, limit.seconds, limit.allowed,
                                          float(oldest) if oldest else None, int(count))))
    counted: list[float | bool | None] = []
    for g, window, answer in zip(guarded, windows, answers[len(names) + len(limits):], strict=True):
        counted.append(False if answer is None else _window_wait(g.limit, window, int(answer), now))
    return found, out, counted


def set_many_with_plain(values: dict[str, Any], plain: dict[str, str], seconds: int) -> None:
    """`cache.set_many(values, seconds)` and, in the same round trip on Redis, `plain` stored as the strings
    themselves (Django's cache would pickle them), for the scripts here to read (a guard). Off Redis the plain
    values are not stored: no script reads them there."""
    client = _redis()
    encode = getattr(getattr(cache, "_cache", None), "encode", None)
    if client is None or encode is None or not plain:
        cache.set_many(values, seconds)
        return
    pipe = client.pipeline(transaction=False)
    for name, value in values.items():
        pipe.set(cache.make_key(name), encode(value), ex=seconds)
    for name, value in plain.items():
        pipe.set(cache.make_key(name), value, ex=seconds)
    pipe.execute()


def _window_name(limit: Limit, window: int) -> str:
    """The cache name of a limit's fixed window: one for fixed_window_hits and the guarded script alike."""
    return f"{_PREFIX}:{limit.name}:{window}"


def _window_wait(limit: Limit, window: int, count: int, now: float) -> float | None:
    """A fixed window's answer: the seconds until it ends when the count is over the limit, else None."""
    return (window + 1) * limit.seconds - now if count > limit.allowed else None


def _sliding_elsewhere(limits: list[Limit], now: float) -> list[tuple[bool, float | None]]:
    """Any other cache: DRF's lists of request times, newest first, read and written in one call each."""
    if not limits:
        return []
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
    names = [_window_name(limit, window) for limit, window in zip(limits, windows, strict=True)]
    client = _redis()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for name, limit in zip(names, limits, strict=True):
            key = cache.make_key(name)
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
    return [_window_wait(limit, window, count, now) for limit, window, count in zip(limits, windows, counts, strict=True)]


class RateThrottles(BaseThrottle):
    """DRF's AnonRateThrottle, UserRateThrottle and ScopedRateThrottle in one round trip (see the module).

    When the token authentication already counted this request's limits in its own round trip (a token whose
    identity is cached: core.tokens), their answers are taken as they are. Such a request is counted before the
    view's permissions are checked, where DRF counts after them: a refused request of a known user counts
    against that user's own rates, which only makes them stricter."""

    def _limits(self, request, view) -> list[Limit]:
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        return self.limits_for(view, ident=str(user.pk) if signed_in else self.get_ident(request),
                               signed_in=signed_in)

    @classmethod
    def limits_for(cls, view, *, ident: str, signed_in: bool) -> list[Limit]:
        """The limits a request of this client (`ident`: the user's id when signed in, else the address) to this
        view counts against."""
        rates = SimpleRateThrottle.THROTTLE_RATES
        wanted = [] if signed_in else ["anon"]
        wanted.append("user")
        scope = getattr(view, "throttle_scope", None)
        limits = []
        for name in wanted:
            if name not in rates:
                raise ImproperlyConfigured(f"No default throttle rate set for '{name}' scope")
            limits.append(cls._limit(name, rates[name], ident))
        if scope:
            if scope not in rates:
                raise ImproperlyConfigured(f"No default throttle rate set for '{scope}' scope")
            limits.append(cls._limit(scope, rates[scope], ident))
        return [limit for limit in limits if limit is not None]

    @staticmethod
    def _limit(scope: str, rate: str | None, ident: str) -> Limit | None:
        allowed, seconds = SimpleRateThrottle.parse_rate(None, rate)
        if allowed is None:
            return None
        return Limit(f"{scope}:{ident}", allowed, seconds)

    @staticmethod
    def used_by(view) -> bool:
        classes = getattr(view, "throttle_classes", ())
        return any(isinstance(c, type) and issubclass(c, RateThrottles) for c in classes)

    def allow_request(self, request, view) -> bool:
        limits = self._limits(request, view)
        counted = dict(zip(*getattr(request, COUNTED_ATTRIBUTE, ((), ())), strict=True))
        # Limits counted with the identity keep their answers; any other (a scope a view sets later, in
        # get_throttles) is counted now.
        fresh = iter(sliding_window_hits([limit for limit in limits if limit not in counted]))
        answers = [counted[limit] if limit in counted else next(fresh) for limit in limits]
        self._waits = [wait for allowed, wait in answers if not allowed]
        return not any(not allowed for allowed, _wait in answers)

    def wait(self) -> float | None:
        waits = [w for w in self._waits if w is not None]
        return max(waits, default=None)


# Set on a DRF request by an authentication that counted its limits: (limits, answers).
COUNTED_ATTRIBUTE = "_rate_limits_counted"
