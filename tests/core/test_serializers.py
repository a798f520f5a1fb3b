"""core.serializers.PlainFieldsSerializer: fields copied shallowly, each instance's binding its own."""

from __future__ import annotations

from rest_framework import serializers

from core.serializers import PlainFieldsSerializer, TextField


class Child(serializers.Serializer):
    name = serializers.CharField()


class Body(PlainFieldsSerializer):
    code = serializers.CharField(max_length=6)
    amount = serializers.IntegerField(min_value=1, required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    child = Child(required=False)


def test_each_instance_binds_its_own_copies_and_the_declared_fields_stay_unbound():
    first, second = Body(data={"code": "abc"}), Body(data={"code": "toolong!"})
    assert first.fields["code"] is not second.fields["code"]
    assert first.fields["code"].parent is first and second.fields["code"].parent is second
    declared = Body._declared_fields["code"].__dict__
    assert declared.get("parent") is None and declared.get("field_name") is None
    assert first.is_valid() and not second.is_valid()
    assert second.errors["code"][0].code == "max_length"


def test_fields_holding_other_fields_are_copied_deeply():
    first, second = Body(), Body()
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert first.fields["child"].fields["name"] is not second.fields["child"].fields["name"]


def test_validation_matches_a_plain_serializer():
    class Plain(serializers.Serializer):
        code = serializers.CharField(max_length=6)
        amount = serializers.IntegerField(min_value=1, required=False)

    for data in ({"code": "abc", "amount": 2}, {"code": "", "amount": 0}, {"amount": "x"}, {"code": None}):
        fast, slow = Body(data=data), Plain(data=data)
        assert fast.is_valid() == slow.is_valid()
        assert fast.errors == slow.errors
        assert dict(fast.validated_data) == dict(slow.validated_data)


def test_a_text_field_refuses_a_lone_surrogate_as_drfs_char_field_does():
    class Plain(serializers.Serializer):
        value = serializers.CharField(max_length=50)

    class Fast(serializers.Serializer):
        value = TextField(max_length=50)

    for value in ["MS1.abc", "a\ud800b", "\udfff", "ok " * 20]:
        plain, fast = Plain(data={"value": value}), Fast(data={"value": value})
        assert plain.is_valid() == fast.is_valid()
        assert {k: [(str(e), e.code) for e in v] for k, v in plain.errors.items()} == {
            k: [(str(e), e.code) for e in v] for k, v in fast.errors.items()}
    assert not Fast(data={"value": "a\ud800b"}).is_valid()


class Flat(PlainFieldsSerializer):
    token = TextField(max_length=20, required=False, allow_blank=True)
    code = TextField(max_length=6)
    partner = serializers.IntegerField(required=False, min_value=1)
    perk = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1000)


class FlatByDrf(Flat):
    def to_internal_value(self, data):
        return serializers.Serializer.to_internal_value(self, data)


FLAT_BODIES = [
    {"code": "123456"}, {"code": " 12 ", "token": "  "}, {"code": "1", "token": "MS1.abc", "partner": 7, "perk": None},
    {"code": "1", "perk": 1000}, {"code": "1", "perk": 1001}, {"code": "1", "perk": 0}, {"code": "1", "partner": -3},
    {"code": "1", "partner": "7"}, {"code": "1", "partner": 7.0}, {"code": "1", "partner": True},
    {"code": "1", "partner": None}, {"code": ""}, {"code": "   "}, {"token": "x"}, {}, {"code": "1234567"},
    {"code": "12\x00"}, {"code": "12\ud800"}, {"code": 123}, {"code": None}, {"code": ["1"]},
    {"code": "1", "token": "y" * 21}, {"code": "1", "unknown": "ignored"}, {"code": "1", "partner": 2**70},
]


def test_a_plain_json_body_is_taken_at_once_with_exactly_drfs_answer():
    for body in FLAT_BODIES:
        fast, drf = Flat(data=body), FlatByDrf(data=body)
        assert fast.is_valid() == drf.is_valid(), body
        if drf.errors:
            assert {k: [(str(e), e.code) for e in v] for k, v in fast.errors.items()} == {
                k: [(str(e), e.code) for e in v] for k, v in drf.errors.items()}, body
        else:
            assert fast.validated_data == drf.validated_data, body
            assert {k: type(v) for k, v in fast.validated_data.items()} == {
                k: type(v) for k, v in drf.validated_data.items()}, body


def test_a_serializer_with_other_fields_or_field_methods_always_uses_drfs_path():
    from core.serializers import _plain_plan

    class WithChoice(PlainFieldsSerializer):
        kind = serializers.ChoiceField(choices=["a", "b"])

    class WithMethod(Flat):
        def validate_code(self, value):
            return value.upper()

    assert _plain_plan(WithChoice, WithChoice()) is None
    assert _plain_plan(WithMethod, WithMethod()) is None
    assert _plain_plan(Flat, Flat()) is not None
    method = WithMethod(data={"code": "ab"})
    assert method.is_valid() and method.validated_data["code"] == "AB"


def test_a_serializer_without_validators_of_its_own_does_not_bind_its_fields_to_validate_a_plain_body():
    plain = Flat(data={"code": "ab12"})
    assert plain.is_valid(), plain.errors
    assert "fields" not in plain.__dict__, "no field was bound for the serializer's own (absent) validators"


def test_the_serializers_own_validators_still_see_the_read_only_defaults():
    seen = []

    class WithValidator(PlainFieldsSerializer):
        code = TextField(max_length=6)
        owner = serializers.HiddenField(default="office")
        stamp = serializers.CharField(read_only=True, default="today")

        class Meta:
            validators = [seen.append]

    checked = WithValidator(data={"code": "ab"})
    assert checked.is_valid(), checked.errors
    assert seen == [{"stamp": "today", "code": "ab", "owner": "office"}]
