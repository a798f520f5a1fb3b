"""Serializer fields shared by the apps."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class OptionalRelatedText(serializers.ReadOnlyField):
    """Text of an optional relation (`source="zone.name"`): null when the relation is empty.

    A plain CharField with `default=None` is left out of the answer to a PATCH (DRF skips defaults on partial
    updates), so the answer would miss a field the schema promises.
    """

    def get_attribute(self, instance):
        value = instance
        for attr in self.source_attrs:
            value = getattr(value, attr, None)
            if value is None:
                return None
        return value

    def to_representation(self, value):
        return None if value is None else str(value)
