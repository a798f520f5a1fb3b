"""OpenAPI schema pieces: the postprocessing hook for validation errors, a schema class for one-object `list`s.

Kept apart from core.api, which the REST framework settings import before its own modules are ready.
"""

from __future__ import annotations

from drf_standardized_errors.openapi import AutoSchema

GENERIC_VALIDATION_ERROR = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "detail": {"type": "string"},
                   "attr": {"type": "string", "nullable": True}},
    "required": ["attr", "code", "detail"],
}
GENERIC_VALIDATION_RESPONSE = {
    "type": "object",
    "properties": {"type": {"$ref": "#/components/schemas/ValidationErrorEnum"},
                   "errors": {"type": "array", "items": GENERIC_VALIDATION_ERROR}},
    "required": ["errors", "type"],
}


def generic_validation_errors(result: dict, generator, request, public) -> dict:
    """Describe validation errors as they are answered (a drf-spectacular postprocessing hook).

    drf-standardized-errors lists, per endpoint, the fields that may have errors and the codes of each. That list is
    wrong in two ways: a service's refusal names a field the request does not have (a workflow move refused on
    "status"), and a list's item is named "greenery.0" where the schema says "greenery.INDEX"; and an endpoint whose
    request it cannot see (an upload read by hand) gets no validation error at all. A client validating answers
    against the schema would reject correct ones, so every 400 documents the one generic shape
    {"type": "validation_error", "errors": [{"code", "detail", "attr"}]} beside the parse error.
    """
    schemas = result.get("components", {}).get("schemas", {})
    schemas.setdefault("ValidationErrorResponseGeneric", GENERIC_VALIDATION_RESPONSE)
    generic_ref = "#/components/schemas/ValidationErrorResponseGeneric"
    for name in [n for n in schemas if n.endswith("ErrorComponent")]:
        del schemas[name]  # only the per-field unions below referred to them
    for name in [n for n in schemas if n.endswith("ValidationError") and n != "ValidationError"]:
        del schemas[name]
    for name in [n for n in schemas if n.endswith("Error") and schemas[n].get("oneOf")]:
        if schemas[name].get("discriminator", {}).get("propertyName") == "attr":
            del schemas[name]
    for name, schema in schemas.items():
        if not name.endswith("ErrorResponse400") or "oneOf" not in schema:
            continue
        members = [m for m in schema["oneOf"] if not m["$ref"].endswith("ValidationError")]
        schema["oneOf"] = [{"$ref": generic_ref}, *members]
        mapping = schema.setdefault("discriminator", {"propertyName": "type"}).setdefault("mapping", {})
        mapping["validation_error"] = generic_ref
    # An operation that names the validation error alone as its 400 (to document its codes) may still answer a
    # parse error (a body that is not JSON): its 400 is either shape, as elsewhere.
    if "ParseErrorResponse" in schemas:
        either = {"oneOf": [{"$ref": generic_ref}, {"$ref": "#/components/schemas/ParseErrorResponse"}]}
        for operations in result.get("paths", {}).values():
            for method, operation in operations.items():
                if method not in ("post", "put", "patch") or not isinstance(operation, dict):
                    continue  # only a request with a body can be a parse error
                content = operation.get("responses", {}).get("400", {}).get("content", {})
                for media in content.values():
                    if media.get("schema") == {"$ref": "#/components/schemas/ValidationErrorResponse"}:
                        media["schema"] = dict(either)
    return result


# Swagger groups operations by app: the first segment of the path under /api/v1/ names the tag (the tags and
# their one-line descriptions are SPECTACULAR_SETTINGS["TAGS"] in portal/settings.py).
TAG_OF_SEGMENT = {"auth": "auth", "open-data": "open-data", "businesses": "centres", "centres": "centres",
                  "fee-rates": "centres", "zones": "centres", "streets": "centres", "loyalty": "loyalty",
                  "gardens": "gardens", "contests": "contests", "murals": "murals"}


class PortalAutoSchema(AutoSchema):
    """drf-standardized-errors' schema, with each operation tagged by its app."""

    def get_tags(self) -> list[str]:
        explicit = super().get_tags()
        path = self.path.removeprefix("/").removeprefix("api/v1/")
        segment = path.split("/", 1)[0].split(".", 1)[0]
        tag = TAG_OF_SEGMENT.get(segment)
        if tag is None or (explicit and explicit not in ([segment], ["v1"], ["api"])):  # @extend_schema(tags=…) wins
            return explicit
        return [tag]


class SingleObjectSchema(PortalAutoSchema):
    """For a ViewSet whose `list` answers one object (figures, a quote), not a list of them."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
