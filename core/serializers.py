"""Serializer bases shared by the apps."""

from __future__ import annotations

import copy

from rest_framework import fields, relations, serializers

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
