import pytest
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture
def tight_anon_rate(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anon": "3/min"})


def test_anonymous_requests_are_throttled_through_the_cache(api, db, tight_anon_rate):
    for _ in range(3):
        assert api.get("/api/v1/centres/").status_code == 200
    response = api.get("/api/v1/centres/")
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "throttled"
    assert "Retry-After" in response.headers
