"""core.parsers.peek_json: a body read before DRF's parse (by the token authentication) is exactly DRF's parse."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.views import APIView

from core.parsers import NOT_PEEKED, SafeJSONParser, peek_json

BODIES = ['{"partner": 1, "number": "1234567890"}', '{"a": [1, {"b": "ż"}]}', '[1, 2]', '"text"', "12", "null"]
REFUSED = ['{"partner": 1, ', '{"a": "\\u0000"}', '{"a": "\\ud800"}', "", "nie-json", "[" * 40 + "]" * 40]


def _request(raw: str | bytes, content_type: str = "application/json") -> Request:
    http = RequestFactory().post("/", data=raw, content_type=content_type)
    view = APIView()
    return Request(http, parsers=[SafeJSONParser()], parser_context={"view": view, "args": (), "kwargs": {}})


def _drf(request: Request):
    try:
        return ("data", request.data)
    except ParseError as exc:
        return ("error", str(exc.detail))


@pytest.mark.parametrize("raw", BODIES)
def test_a_peeked_body_is_what_drf_parses_and_is_parsed_once(raw, monkeypatch):
    expected = _drf(_request(raw))
    request = _request(raw)
    peeked = peek_json(request)
    assert ("data", peeked) == expected
    monkeypatch.setattr("core.parsers.loads_checked", lambda *a, **k: pytest.fail("parsed a second time"))
    assert _drf(request) == expected
    assert peek_json(request) is peeked


@pytest.mark.parametrize("raw", REFUSED)
def test_a_body_drf_refuses_is_not_peeked_and_drf_still_gives_its_own_error(raw):
    expected = _drf(_request(raw))
    request = _request(raw)
    assert peek_json(request) is NOT_PEEKED
    assert _drf(request) == expected
    if raw:
        assert expected[0] == "error"


def test_other_media_types_and_oversized_bodies_are_not_peeked(settings):
    assert peek_json(_request("a=1", "application/x-www-form-urlencoded")) is NOT_PEEKED
    settings.MAX_JSON_BODY_BYTES = 10
    request = _request('{"partner": 1, "number": "1234567890"}')
    assert peek_json(request) is NOT_PEEKED
    assert _drf(request)[0] == "error"  # DRF's own answer: too large
