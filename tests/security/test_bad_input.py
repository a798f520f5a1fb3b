"""Each kind of malformed request that gave a server error is now a 400 naming what is wrong."""

import json

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.factories import UserFactory

BIG = "99999999999999999999"


@pytest.fixture
def api(db):
    return client_for(UserFactory(is_staff=True, is_superuser=True))


def attrs(response) -> list:
    return [e["attr"] for e in response.json()["errors"]]


def test_integer_beyond_64_bits_on_a_page_is_a_400_naming_the_parameter(db):
    response = Client().get(f"/moja-starowka/?partner={BIG}")
    assert response.status_code == 400
    assert "partner" in response.content.decode()


@pytest.mark.parametrize("url", [f"/api/v1/loyalty/perks/?partner={BIG}", f"/api/v1/businesses/?zone={BIG}",
                                 f"/api/v1/gardens/applications/?business={BIG}"])
def test_integer_beyond_64_bits_in_an_api_filter_is_a_400_naming_the_filter(api, url):
    response = api.get(url)
    assert response.status_code == 400
    assert attrs(response) == [url.split("?")[1].split("=")[0]]


@pytest.mark.parametrize("value", ["%D9%A3", "%C2%B2", "%EF%BC%91"])  # Arabic-Indic 3, superscript 2, fullwidth 1
def test_unicode_digits_are_not_numbers(api, value):
    response = api.get(f"/api/v1/businesses/?zone={value}")
    assert response.status_code == 400
    assert attrs(response) == ["zone"]


def test_the_filter_backend_bounds_integers_even_without_the_middleware(api, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "core.middleware.BadInputMiddleware"]
    response = api.get("/api/v1/businesses/?zone=-" + BIG)
    assert response.status_code == 400
    assert attrs(response) == ["zone"]


@pytest.mark.parametrize("url", ["/api/v1/centres/%00/", "/ogrodki/?ulica=%00", "/api/v1/businesses/?q=a%00b",
                                 "/ogrodki/?ulica=%ED%A0%80", "/api/v1/centres/%ED%A0%80/"])
def test_nul_bytes_and_lone_surrogates_in_paths_and_queries_are_a_400(db, url):
    response = Client().get(url)
    assert response.status_code == 400


def test_lone_surrogate_in_json_is_a_400(api):
    response = api.post("/api/v1/auth/token/", '{"email": "a\\ud800@example.org", "password": "x"}',
                        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["type"] in {"client_error", "validation_error"}


def test_json_nested_100000_deep_is_a_400(db):
    response = Client().post("/api/v1/auth/token/", "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400


def test_json_nested_past_the_limit_is_a_400(db, settings):
    body = json.dumps({"email": "a@example.org", "password": "x", "extra": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"
    assert str(settings.MAX_JSON_DEPTH) in response.json()["errors"][0]["detail"]  # "nested deeper than 32"


@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/gardens/applications/"])
def test_a_15_mb_json_body_is_a_400(api, url):
    body = json.dumps({"email": "a@example.org", "password": "x" * (15 * 1024 * 1024)})
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert attrs(response) == ["body"]


def test_a_file_upload_is_not_held_to_the_json_limit(settings):
    from core.middleware import BadInputMiddleware

    class Request:
        path_info = "/api/v1/x/"
        META = {"PATH_INFO": "/api/v1/x/", "QUERY_STRING": "", "CONTENT_TYPE": "multipart/form-data; boundary=x",
                "CONTENT_LENGTH": str(5 * 1024 * 1024)}

    assert BadInputMiddleware(lambda r: None).check(Request()) is None
