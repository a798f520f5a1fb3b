"""The OpenAPI schema tells clients the truth about answers (schemathesis checks it against the served portal)."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_list_item_errors_are_not_named_by_a_placeholder(schema):
    """Answers name an item's error "greenery.0"; the schema must not insist on "greenery.INDEX"."""
    assert "INDEX" not in json.dumps(schema)


def test_every_400_may_be_a_validation_error_on_any_field_or_a_parse_error(schema):
    """A workflow move refused by its service names "status", which is not a field of the move's request."""
    unions = {n: s for n, s in schema["components"]["schemas"].items() if n.endswith("ErrorResponse400")}
    assert unions
    for name, union in unions.items():
        mapping = union["discriminator"]["mapping"]
        assert mapping["validation_error"].endswith("/ValidationErrorResponseGeneric"), name
        assert mapping["client_error"].endswith("/ParseErrorResponse"), name
    generic = schema["components"]["schemas"]["ValidationErrorResponseGeneric"]
    assert generic["properties"]["errors"]["items"]["properties"]["attr"] == {"type": "string", "nullable": True}


@pytest.mark.parametrize("path", ["/api/v1/loyalty/figures/office/", "/api/v1/loyalty/figures/partner/",
                                  "/api/v1/gardens/fee-quote/"])
def test_one_object_answers_are_not_documented_as_lists(schema, path):
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" in answer and answer.get("type") != "array"


def test_empty_refusal_and_missing_zone_are_documented(schema):
    refusal = schema["components"]["schemas"]["Check"]["properties"]["refusal"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in refusal["oneOf"]
    assert schema["components"]["schemas"]["Mural"]["properties"]["zone_name"]["nullable"] is True


def test_fee_quote_by_query_documents_its_validation_errors(schema):
    responses = schema["paths"]["/api/v1/gardens/fee-quote/"]["get"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ValidationErrorResponse")


def test_partner_website_may_be_empty(schema):
    website = schema["components"]["schemas"]["Partner"]["properties"]["website"]
    assert website.get("format") != "uri"


def test_schema_generates_without_warnings():
    """drf-spectacular's deploy check: e.g. two choice sets under one name (CI's `check --deploy` fails on it)."""
    from django.core import checks

    found = [m for m in checks.run_checks(include_deployment_checks=True) if m.id.startswith("drf_spectacular")]
    assert found == []


def test_a_body_that_does_not_parse_is_a_documented_answer(schema):
    """POST bodies may fail to parse: the 400 of such an operation names the parse error too."""
    error = schema["paths"]["/api/v1/gardens/fee-quote/"]["post"]["responses"]["400"]["content"]["application/json"]
    union = schema["components"]["schemas"][error["schema"]["$ref"].rsplit("/", 1)[1]]
    assert "#/components/schemas/ParseErrorResponse" in [one["$ref"] for one in union["oneOf"]]
