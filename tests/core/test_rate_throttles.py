"""core.throttling.RateThrottles keeps DRF's anon, user and scoped throttles' meaning in one round trip."""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from core.throttling import Limit, RateThrottles, fixed_window_hits, sliding_window_hits
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


def test_on_redis_all_the_scopes_are_one_round_trip(db, monkeypatch):
    from core import throttling

    client = throttling._redis()
    if client is None:
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    commands = []
    original = type(client).execute_command

    def counted(self, *args, **kwargs):
        commands.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(client), "execute_command", counted)
    limits = [Limit("test:anon", 5, 60), Limit("test:user", 5, 60), Limit("test:scope", 1, 60)]
    sliding_window_hits(limits)
    assert commands == ["EVAL"]
    commands.clear()
    fixed_window_hits(limits)
    assert commands == []  # a pipeline: one round trip, not a command each
