"""Serializer bases shared by the apps."""

from __future__ import annotations

import copy
import re

from rest_framework import fields, relations, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.validators import ProhibitSurrogateCharactersValidator

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


_SURROGATE = re.compile("[\ud800-\udfff]")


class NoSurrogates(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of lone surrogates (same message and code), found by one regular-expression search instead
    of a Python generator over every character: a QR token of ~150 characters cost ~25 µs per check that way."""

    def __call__(self, value) -> None:
        found = _SURROGATE.search(str(value))
        if found is not None:
            raise ValidationError(self.message.format(code_point=ord(found.group())), code=self.code)


class TextField(serializers.CharField):
    """A CharField (same schema, same answers) whose surrogate check is NoSurrogates: for hot request bodies."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.validators = [NoSurrogates() if type(v) is ProhibitSurrogateCharactersValidator else v
                           for v in self.validators]
