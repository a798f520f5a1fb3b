"""Serializer bases shared by the apps."""

from __future__ import annotations

import copy

from rest_framework import fields, relations, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from .middleware import SURROGATE

# Fields that hold another field or serializer (bound to a parent of their own) or per-instance state: copied
# deeply as DRF does. Every other field keeps only its settings, fixed when the class is defined.
_DEEP = (serializers.BaseSerializer, relations.ManyRelatedField, fields.ListField, fields.DictField,
         fields.HStoreField, fields.JSONField, fields.HiddenField, fields.SerializerMethodField,
         fields.ModelField)


class PlainFieldsSerializer(serializers.Serializer):
    """A serializer whose declared fields are copied shallowly for each instance.

    DRF deep-copies every declared field for every serializer made, re-running each field's `__init__` (its
    validators, messages) through `Field.__deepcopy__`: for the till's and the vote's flat request bodies that was
    about a tenth of a request's own CPU in the benchmark. A plain field's settings (validators, messages, bounds)
    are fixed when its class is defined and never changed after, and binding (`field_name`, `parent`, `label`,
    `source`) sets attributes on the copy only, so a shallow copy is enough. A field of a kind in `_DEEP` is
    copied deeply as DRF does."""

    def get_fields(self) -> dict[str, fields.Field]:
        return {name: copy.deepcopy(field) if isinstance(field, _DEEP) else copy.copy(field)
                for name, field in self._declared_fields.items()}

    def to_internal_value(self, data):
        """DRF's, except that a JSON object whose every value is plainly valid for its field (a string within
        the text field's length, free of NUL and lone surrogates; an integer within the integer field's
        bounds; null where the field allows it) is taken at once, giving exactly what DRF would give. Anything
        else — another type, a string where a number is expected, a value out of bounds, a form — goes through
        DRF's fields, with DRF's errors. Only for serializers of text and integer fields with their default
        validators and no validate_<field> methods (`_plain_plan`); others always use DRF's path."""
        plan = _plain_plan(type(self), self)
        if plan is None or type(data) is not dict:
            return super().to_internal_value(data)
        out = {}
        for name, kind, low, high, blank, null, required in plan:
            if name not in data:
                if required:
                    return super().to_internal_value(data)
                continue
            value = data[name]
            if value is None:
                if not null:
                    return super().to_internal_value(data)
            elif kind == "text":
                if type(value) is not str:
                    return super().to_internal_value(data)
                value = value.strip()
                if not value:
                    if not blank:
                        return super().to_internal_value(data)
                elif len(value) > high or "\x00" in value or SURROGATE.search(value):
                    return super().to_internal_value(data)
            elif type(value) is not int or (low is not None and value < low) or (high is not None and value > high):
                return super().to_internal_value(data)
            out[name] = value
        return out

    def run_validators(self, value) -> None:
        """DRF's, which first binds every field to read the read-only fields' defaults, only for the
        serializer's own validators (a unique-together check) to see them. With no validators of its own there
        is nothing to run; binding the fields for nothing was about a twentieth of a till check's CPU."""
        if not self.validators:
            return
        super().run_validators(value)


_plans: dict[type, tuple | None] = {}


def _plain_plan(cls: type, serializer: serializers.Serializer) -> tuple | None:
    """Per writable field (name, "text" | "int", low, high, allow_blank, allow_null, required) when every field
    of the class is a plain text or integer field as DRF makes them, else None. Made once per class."""
    if cls in _plans:
        return _plans[cls]
    from django.core import validators as django_validators

    plan: list | None = []
    for field in serializer.fields.values():
        if field.read_only:
            continue
        plain_source = field.source_attrs == [field.field_name] and field.default is fields.empty
        if not plain_source or hasattr(serializer, f"validate_{field.field_name}"):
            plan = None
            break
        kinds = {type(v) for v in field.validators}
        if type(field) is TextField and field.max_length is not None and field.min_length is None \
                and field.trim_whitespace and kinds <= {django_validators.MaxLengthValidator,
                                                        django_validators.ProhibitNullCharactersValidator,
                                                        NoSurrogates}:
            plan.append((field.field_name, "text", None, field.max_length, field.allow_blank, field.allow_null,
                         field.required))
        elif type(field) is serializers.IntegerField and kinds <= {django_validators.MinValueValidator,
                                                                   django_validators.MaxValueValidator}:
            plan.append((field.field_name, "int", field.min_value, field.max_value, False, field.allow_null,
                         field.required))
        else:
            plan = None
            break
    _plans[cls] = tuple(plan) if plan is not None else None
    return _plans[cls]



class NoSurrogates(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of lone surrogates (same message and code), found by one regular-expression search instead
    of a Python generator over every character: a QR token of ~150 characters cost ~25 µs per check that way."""

    def __call__(self, value) -> None:
        found = SURROGATE.search(str(value))
        if found is not None:
            raise ValidationError(self.message.format(code_point=ord(found.group())), code=self.code)


class TextField(serializers.CharField):
    """A CharField (same schema, same answers) whose surrogate check is NoSurrogates: for hot request bodies."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.validators = [NoSurrogates() if type(v) is ProhibitSurrogateCharactersValidator else v
                           for v in self.validators]
