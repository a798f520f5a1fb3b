"""core.serializers.PlainFieldsSerializer: fields copied shallowly, each instance's binding its own."""

from __future__ import annotations

from rest_framework import serializers

from core.serializers import PlainFieldsSerializer


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
    from core.serializers import TextField

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
