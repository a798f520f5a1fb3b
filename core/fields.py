"""Serializer fields shared by the apps."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import formats


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


# --- Text for people, in the client's language (Accept-Language) ---------------------------------------------
# The API's machine fields stay ISO dates and decimal strings; beside them a `*_display` / `*_label` field gives
# what a person reads, in the formats of core.formats (the same the pages' template filters use).

@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class DisplayText(serializers.ReadOnlyField):
    """A read-only text made from the source value by `formatter` (a core.formats function); null when empty.

        fee_total_display = DisplayText(formats.money, source="fee_total",
                                        help_text="The total for people: "12 240,00 zł" / "PLN 12,240.00".")
    """

    def __init__(self, formatter, **kwargs) -> None:
        self.formatter = formatter
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        try:
            return super().get_attribute(instance)
        except (AttributeError, KeyError):  # an optional relation, or a dict without the key
            return None

    def to_representation(self, value):
        if value is None or value == "":
            return None
        return self.formatter(value) or None


def money_text(source: str, what: str = "The amount") -> DisplayText:
    return DisplayText(formats.money, source=source,
                       help_text=f"{what} for people, in the client's language: \"12 240,00 zł\" / \"PLN 12,240.00\".")


def date_text(source: str, what: str = "The date") -> DisplayText:
    return DisplayText(formats.long_date, source=source,
                       help_text=f"{what} for people, in the client's language: \"1 maja 2027\" / \"1 May 2027\".")


def datetime_text(source: str, what: str = "The time") -> DisplayText:
    return DisplayText(formats.long_datetime, source=source,
                       help_text=f"{what} for people, Europe/Warsaw time: \"1 maja 2027, 14:30\".")


def percent_text(source: str, what: str = "The percentage") -> DisplayText:
    return DisplayText(formats.percent, source=source, help_text=f"{what} for people: \"10%\" / \"12,5%\".")


def measure_text(source: str, unit: str, what: str = "The measure") -> DisplayText:
    return DisplayText(lambda v: formats.measure(v, unit), source=source,
                       help_text=f"{what} for people: \"1,50 {unit}\" / \"1.50 {unit}\".")


def label_text(source: str, what: str = "The status") -> serializers.CharField:
    """A choice's label in the client's language (`source="get_status_display"`): "aktywna" / "active"."""
    return serializers.CharField(source=source, read_only=True,
                                 help_text=f"{what} in words, in the client's language (the code stays beside it).")


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class ChoiceLabel(serializers.ReadOnlyField):
    """The label of a choice code held in `source` (a dict key or a non-model attribute), null when empty."""

    def __init__(self, choices, **kwargs) -> None:
        self.choice_labels = dict(choices)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        try:
            return super().get_attribute(instance)
        except (AttributeError, KeyError):
            return None

    def to_representation(self, value):
        if value in (None, ""):
            return None
        return str(self.choice_labels.get(value, value))
