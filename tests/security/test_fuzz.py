"""Bad input is a 400 (or a refusal), never a server error: a small fuzzing pass of our own over every
operation of the generated schema and over the pages' query strings, with the kinds of input that broke
pages before (NUL bytes, lone surrogates, integers beyond 2^63 − 1, Unicode digits, deep and huge JSON)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.security.fuzzing import page_patterns, schema_operations

BIG = "99999999999999999999"  # > 2**63 - 1
QUERY_VALUES = ["a%00b", "%ED%A0%80", BIG, "-" + BIG, "%D9%A3", "1e400"]
PAGE_QUERY_VALUES = ["%00", "%ED%A0%80", BIG, "%C2%B2"]
PATH_VALUES = ["%00", BIG, "%D9%A3", "1e400"]
COMMON_QUERY = ["partner", "business", "zone", "centre", "ulica", "page", "q", "kind", "status", "year", "contest",
                "category"]


@pytest.fixture
def clients(db):
    """A superuser reaches the deepest code of every operation (others are refused earlier)."""
    admin = Client(raise_request_exception=False)
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    return {"superuser": admin}


def _send(client, method, url, **kwargs):
    return getattr(client, method.lower())(url, **kwargs)


def _bodies():
    deep = "[" * 100_000 + "]" * 100_000
    yield "deep", deep
    yield "surrogate", '{"title": "\\ud800", "name": "\\udfff", "email": "a\\ud800@example.org"}'
    yield "nul", '{"title": "a\\u0000b", "name": "\\u0000"}'
    yield "bigint", json.dumps({"id": 2**64, "business": 2**70, "partner": int(BIG), "perk": 10**30})
    yield "not json", "{"


def test_every_schema_operation_answers_bad_input_without_a_server_error(clients):
    failures, runs = [], 0
    huge = "[" + "1," * (8 * 1024 * 1024) + "1]"  # ~16 MB
    for op in schema_operations():
        for actor, client in clients.items():
            for value in PATH_VALUES if op.path_params else []:
                response = _send(client, op.method, op.url(default=value), content_type="application/json",
                                 **({"data": "{}"} if op.method in {"POST", "PUT", "PATCH"} else {}))
                runs += 1
                if response.status_code >= 500:
                    failures.append((actor, op.key, f"path={value}", response.status_code))
            url = op.url()
            for name in (op.query_params or ("page",)):
                for value in QUERY_VALUES:
                    response = _send(client, "GET" if op.method == "GET" else op.method, f"{url}?{name}={value}")
                    runs += 1
                    if response.status_code >= 500:
                        failures.append((actor, op.key, f"{name}={value}", response.status_code))
            if op.method in {"POST", "PUT", "PATCH"}:
                for label, body in [*_bodies(), ("huge", huge)]:
                    response = _send(client, op.method, url, data=body, content_type="application/json")
                    runs += 1
                    if response.status_code >= 500 or (label in {"deep", "huge", "surrogate", "nul", "not json"}
                                                       and response.status_code == 200):
                        failures.append((actor, op.key, label, response.status_code))
    print(f"fuzz: {runs} requests over {len(schema_operations())} operations")
    assert not failures, "\n".join(map(str, failures[:60]))


def test_pages_answer_bad_query_strings_and_path_values_without_a_server_error(clients):
    failures, runs = [], 0
    pages = [p for p in page_patterns() if not p.admin and "logout" not in p.name and "wyloguj" not in p.route]
    for page in pages:
        for actor, client in clients.items():
            for value in PATH_VALUES:
                response = client.get(page.url(value))
                runs += 1
                if response.status_code >= 500:
                    failures.append((actor, page.route, f"path={value}", response.status_code))
            base = page.url("1")
            for name in COMMON_QUERY:
                for value in PAGE_QUERY_VALUES:
                    response = client.get(f"{base}?{name}={value}")
                    runs += 1
                    if response.status_code >= 500:
                        failures.append((actor, page.route, f"{name}={value}", response.status_code))
    print(f"fuzz: {runs} page requests over {len(pages)} pages")
    assert not failures, "\n".join(map(str, failures[:60]))
