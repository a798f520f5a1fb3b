"""core.throttling.RateThrottles keeps DRF's anon, user and scoped throttles' meaning in one round trip."""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from core.throttling import (
    IDENT,
    Guarded,
    Limit,
    RateThrottles,
    fixed_window_hits,
    guard_value,
    read_and_count,
    read_and_count_guarded,
    set_many_with_plain,
    sliding_window_hits,
)
from tests.conftest import client_for
from tests.factories import UserFactory


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**changed):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **changed})
    return set_rates


def test_a_sliding_window_refuses_the_request_over_the_limit_and_says_how_long_to_wait(db):
    limit = Limit("test:a", 2, 60)
    assert sliding_window_hits([limit], now=1000.0) == [(True, None)]
    assert sliding_window_hits([limit], now=1010.0) == [(True, None)]
    allowed, wait = sliding_window_hits([limit], now=1020.0)[0]
    assert not allowed and wait == pytest.approx(40.0)  # DRF: the oldest request's window ends in 40 s
    assert sliding_window_hits([limit], now=1061.0) == [(True, None)]  # the first one has left the window


def test_a_refusing_limit_records_nothing_and_the_others_still_count(db):
    tight, loose = Limit("test:tight", 1, 60), Limit("test:loose", 3, 60)
    assert sliding_window_hits([tight, loose], now=1.0) == [(True, None), (True, None)]
    assert [a for a, _w in sliding_window_hits([tight, loose], now=2.0)] == [False, True]
    assert [a for a, _w in sliding_window_hits([tight, loose], now=3.0)] == [False, True]
    assert [a for a, _w in sliding_window_hits([loose], now=4.0)] == [False]


def test_fixed_windows_count_several_limits_at_once(db):
    limits = [Limit("test:user", 2, 300), Limit("test:partner", 3, 300)]
    assert fixed_window_hits(limits, now=600.0) == [None, None]
    assert fixed_window_hits(limits, now=601.0) == [None, None]
    assert fixed_window_hits(limits, now=650.0) == [pytest.approx(250.0), None]
    assert fixed_window_hits(limits, now=900.0) == [None, None]  # a new window


def test_the_user_scope_limits_a_signed_in_user_with_retry_after(db, rates):
    rates(user="2/min")
    api = client_for(UserFactory())
    assert [api.get("/api/v1/centres/").status_code for _ in range(2)] == [200, 200]
    refused = api.get("/api/v1/centres/")
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["code"] == "throttled"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client_for(UserFactory()).get("/api/v1/centres/").status_code == 200  # per user


def test_anonymous_visitors_count_against_anon_and_user_by_address(db, rates, api):
    rates(anon="5/min", user="2/min")
    assert [api.get("/api/v1/centres/").status_code for _ in range(3)] == [200, 200, 429]


def test_a_view_scope_is_counted_besides_the_user_scope(db, rates):
    from types import SimpleNamespace

    rates(user="100/min", verify="1/min")
    user = UserFactory()
    request = SimpleNamespace(user=user, META={"REMOTE_ADDR": "203.0.113.9"})
    view = SimpleNamespace(throttle_scope="verify")
    throttle = RateThrottles()
    assert throttle.allow_request(request, view)
    assert not throttle.allow_request(request, view)
    assert 0 < throttle.wait() <= 60
    assert throttle.allow_request(request, SimpleNamespace())  # another view without the scope


def test_on_redis_all_the_scopes_are_one_round_trip(db, redis_commands):
    commands = redis_commands
    limits = [Limit("test:anon", 5, 60), Limit("test:user", 5, 60), Limit("test:scope", 1, 60)]
    sliding_window_hits(limits)  # the first call of a process may load the script
    commands.clear()
    sliding_window_hits(limits)
    assert commands == ["EVALSHA"]  # by its SHA1, not its text
    commands.clear()
    fixed_window_hits(limits)
    assert commands == ["PIPELINE"]  # one round trip, not a command each


def test_cache_reads_and_the_counts_come_back_together(db):
    from django.core.cache import cache

    cache.set("test:entry", {"user": 7})
    limits = [Limit("test:one", 1, 60)]
    assert read_and_count(["test:entry", "test:missing"], limits) == ({"test:entry": {"user": 7}}, [(True, None)])
    found, answers = read_and_count(["test:entry"], limits)
    assert found == {"test:entry": {"user": 7}} and answers[0][0] is False


def test_on_redis_cache_reads_and_counts_are_one_round_trip(db, redis_commands):
    from django.core.cache import cache

    commands = redis_commands
    cache.set("test:entry", [1, 2])
    read_and_count(["test:entry"], [Limit("test:warm", 5, 60)])  # the first call of a process may load the script
    commands.clear()
    assert read_and_count(["test:entry"], [Limit("test:a", 5, 60), Limit("test:b", 5, 60)])[0] == {
        "test:entry": [1, 2]}
    assert commands == ["EVALSHA"]


def test_a_known_token_counts_each_request_once_against_the_user_rate(db, rates):
    """The token authentication counts the throttles with the identity (from the second request of a token in
    this process); RateThrottles takes those answers, so a request is never counted twice."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    rates(user="3/min")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory()).key}")
    assert [api.get("/api/v1/centres/").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_limits_not_counted_with_the_identity_are_counted_by_the_throttle(db, rates):
    """A view may set its scope after authentication (in get_throttles): that scope is counted then; the scopes
    counted with the identity keep their answers."""
    from types import SimpleNamespace

    from core.throttling import COUNTED_ATTRIBUTE

    rates(user="100/min", verify="1/min")
    user = UserFactory()
    user_limit = Limit(f"user:{user.pk}", 100, 60)
    view = SimpleNamespace(throttle_scope="verify")
    request = SimpleNamespace(user=user, META={"REMOTE_ADDR": "203.0.113.9"})
    setattr(request, COUNTED_ATTRIBUTE, ([user_limit], [(True, None)]))
    assert RateThrottles().allow_request(request, view)
    assert not RateThrottles().allow_request(request, view)  # the verify scope: counted, now full
    setattr(request, COUNTED_ATTRIBUTE, ([user_limit], [(False, 30.0)]))
    throttle = RateThrottles()
    assert not throttle.allow_request(SimpleNamespace(**vars(request)), SimpleNamespace())
    assert throttle.wait() == 30.0  # a refusal counted with the identity stands


def test_without_the_tokens_user_id_in_the_cache_the_throttle_counts_the_request_itself(db, rates):
    from django.core.cache import cache
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from core import tokens

    rates(user="3/min")
    key = Token.objects.create(user=UserFactory()).key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    statuses = [api.get("/api/v1/centres/").status_code]
    cache.delete(tokens._USER_PREFIX + tokens._entry_key(key).removeprefix(tokens._ENTRY_PREFIX))  # evicted
    statuses += [api.get("/api/v1/centres/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200, 429]


# --- Guarded fixed windows, counted in the same script -----------------------------------------------------

@pytest.fixture
def guarded_world(db, redis_commands):
    """A version, an identifier (user 7) and a guard of that version listing partner 1, as core.tokens keeps them."""
    from django.core.cache import cache

    cache.set("test:v", 41, None)
    set_many_with_plain({"test:u": 7}, {"test:g": guard_value(41, 2_000.0, ["partner:1"])}, 60)
    return cache


def _count(*, sliding=None, tag="partner:1", now=1_000.0):
    windows = [Guarded(Limit(f"typed:user:{IDENT}", 2, 300), tag), Guarded(Limit("typed:partner:1", 5, 300), tag)]
    return read_and_count_guarded(["test:v", "test:u", "test:g"], sliding or [Limit(f"s:{IDENT}", 10, 60)],
                                  ident_from="test:u", decode_with={"test:g": lambda raw, decode: raw},
                                  guarded=windows, guard_from="test:g", version_from="test:v", now=now)


def test_guarded_windows_count_with_the_same_keys_as_fixed_window_hits(guarded_world):
    assert _count()[2] == [None, None]
    # The window the script counted is the one fixed_window_hits counts: the third hit of user 7 is over 2.
    assert fixed_window_hits([Limit("typed:user:7", 2, 300)], now=1_000.0) == [None]
    assert _count()[2] == [pytest.approx(200.0), None]  # (1000 // 300 + 1) * 300 - 1000


def test_guarded_windows_are_not_counted_without_their_tag_or_a_fresh_guard(guarded_world):
    cache = guarded_world
    assert _count(tag="partner:2")[2] == [False, False]  # the identity does not act for partner 2
    assert _count(now=2_001.0)[2] == [False, False]  # the guard's token has expired
    cache.incr("test:v")  # a membership changed: the guard is of an older version
    assert _count()[2] == [False, False]
    set_many_with_plain({}, {"test:g": guard_value(42, 2_000.0, ["partner:1"])}, 60)
    assert _count()[2] == [None, None]
    assert fixed_window_hits([Limit("typed:partner:1", 5, 300)], now=1_000.0) == [None]  # counted once: 2 of 5


def test_guarded_windows_are_not_counted_when_a_sliding_limit_refuses(guarded_world):
    found, answers, windows = _count(sliding=[Limit(f"s:{IDENT}", 0, 60)])
    assert answers[0][0] is False and windows == [False, False]
    assert found["test:u"] == 7 and found["test:g"].startswith(b"41|")


def test_guarded_windows_off_redis_are_left_to_the_caller(db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _found, answers, windows = read_and_count_guarded(
        [], [Limit("s:1", 10, 60)], guarded=[Guarded(Limit("typed:partner:1", 5, 300), "partner:1")])
    assert answers == [(True, None)] and windows == [False]
