"""core.rows.one_row: the instance the ORM's filter().first() gives, without compiling its SQL each time."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from core import rows
from core.rows import insert_row, one_row
from loyalty.models import Card
from tests.conftest import end_database_session
from tests.factories import UserFactory
from tests.loyalty.factories import CardFactory, CheckFactory


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.django_db
def test_a_row_is_the_same_instance_the_orm_loads():
    card = CardFactory()
    orm = Card.objects.filter(number=card.number, centre_id=card.centre_id).first()
    row = one_row(Card, number=card.number, centre_id=card.centre_id)
    assert isinstance(row, Card) and row.pk == card.pk
    assert _fields(row) == _fields(orm)  # dates, datetimes (aware), foreign keys, choices: converted alike
    assert not row._state.adding and row._state.db == "default"


@pytest.mark.django_db
def test_no_row_and_values_a_column_cannot_hold_find_nothing():
    card = CardFactory()
    assert one_row(Card, number="0000000000000000", centre_id=card.centre_id) is None
    assert one_row(Card, pk="not-a-number", centre_id=card.centre_id) is None
    assert one_row(Card, pk=None, centre_id=card.centre_id) is None


@pytest.mark.django_db
def test_a_related_row_is_joined_and_cached_as_select_related_would(django_assert_num_queries):
    token = Token.objects.create(user=UserFactory())
    with django_assert_num_queries(1):
        found = one_row(Token, key=token.key, related="user")
        assert found.user.email == token.user.email and found.created == token.created
    assert _fields(found.user) == _fields(type(token.user).objects.get(pk=token.user_id))


@pytest.mark.django_db
def test_the_sql_is_built_once_per_shape(django_assert_num_queries):
    card = CardFactory()
    with django_assert_num_queries(2) as captured:
        one_row(Card, pk=card.pk, centre_id=card.centre_id)
        one_row(Card, pk=card.pk, centre_id=card.centre_id)
    first, second = (q["sql"] for q in captured.captured_queries)
    assert first == second and "ORDER BY" in first and "LIMIT 1" in first
    rows._plan.cache_clear()
    one_row(Card, pk=card.pk + 1, centre_id=card.centre_id)
    one_row(Card, pk=card.pk + 2, centre_id=card.centre_id)  # other values, same shape: the same plan
    assert rows._plan.cache_info().misses == 1
    one_row(Card, number=card.number, centre_id=card.centre_id)  # another shape: a plan of its own
    assert rows._plan.cache_info().misses == 2


def test_only_a_non_null_foreign_key_can_be_joined():
    with pytest.raises(ValueError, match="non-null foreign key"):
        one_row(Card, pk=1, related="terms")  # nullable
    with pytest.raises(ValueError, match="non-null foreign key"):
        one_row(Card, pk=1, related="number")


@pytest.mark.django_db(transaction=True)
def test_a_locked_row_waits_for_the_other_transaction():
    if not connection.features.has_select_for_update:
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    card = CardFactory()
    order: list[str] = []
    locked = threading.Event()

    def other() -> None:
        from django.db import connections

        try:
            locked.wait(5)
            with transaction.atomic():
                one_row(Card, pk=card.pk, lock=True)
                order.append("other")
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    with transaction.atomic():
        one_row(Card, pk=card.pk, lock=True)
        locked.set()
        thread.join(0.5)  # the other transaction is blocked on the row meanwhile
        order.append("first")
    thread.join(5)
    assert order == ["first", "other"]


@pytest.mark.django_db
def test_an_inserted_row_is_what_save_would_store_and_signals_are_sent():
    from django.db.models.signals import post_save, pre_save

    from loyalty.models import Check

    earlier = CheckFactory()
    made = Check(card=earlier.card, partner=earlier.partner, result=Check.Result.VALID, method=Check.Method.QR,
                 day=earlier.day)
    sent: list[str] = []

    def pre(sender, instance, **kwargs):
        sent.append("pre")

    def post(sender, instance, created, **kwargs):
        sent.append(f"post created={created} pk={instance.pk is not None}")

    pre_save.connect(pre, sender=Check)
    post_save.connect(post, sender=Check)
    try:
        insert_row(made)
    finally:
        pre_save.disconnect(pre, sender=Check)
        post_save.disconnect(post, sender=Check)
    assert sent == ["pre", "post created=True pk=True"]
    assert made.pk is not None and not made._state.adding and made.created_at is not None  # auto_now_add
    stored = Check.objects.get(pk=made.pk)
    assert _fields(stored) == _fields(made)


@pytest.mark.django_db(transaction=True)
def test_a_row_not_waited_for_is_stored_alike_and_only_its_own_commit_is_asynchronous(django_assert_num_queries):
    from loyalty.models import Check

    earlier = CheckFactory()
    made = Check(card=earlier.card, partner=earlier.partner, result=Check.Result.VALID, method=Check.Method.QR,
                 day=earlier.day)
    with django_assert_num_queries(1):
        insert_row(made, durable=False)
    assert _fields(Check.objects.get(pk=made.pk)) == _fields(made)
    if connection.vendor == "postgresql":
        sql, _fields_of, _returning = rows._insert_plan(Check, "default", False)
        assert "set_config('synchronous_commit', 'off', true)" in sql
        with connection.cursor() as cursor:  # the setting lasted only as long as the INSERT's transaction
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
        with transaction.atomic():  # inside a transaction it is an ordinary insert: the caller's writes wait
            insert_row(Check(card=earlier.card, partner=earlier.partner, result=Check.Result.VALID,
                             method=Check.Method.QR, day=earlier.day), durable=False)
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                assert cursor.fetchone()[0] == "on"
    assert Check.objects.count() == (3 if connection.vendor == "postgresql" else 2)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a server that drops the connection")
@pytest.mark.django_db(transaction=True)
def test_a_read_is_its_own_health_check_and_a_dropped_connection_is_made_again(monkeypatch):
    """With CONN_HEALTH_CHECKS the first read of a request is sent without Django's SELECT 1 before it; if the
    server dropped the connection meanwhile, the read runs again on a new connection."""
    from django.db import connections

    card = CardFactory()
    assert connection.health_check_enabled
    connection.close_if_unusable_or_obsolete()  # as at the end of a request: the next one would check
    checks: list[bool] = []
    monkeypatch.setattr(type(connections["default"]), "is_usable", lambda self: checks.append(True) or True)
    assert one_row(Card, pk=card.pk).pk == card.pk
    assert checks == []  # no SELECT 1 before the read
    dropped = end_database_session()
    assert one_row(Card, pk=card.pk).pk == card.pk
    assert connection.connection.info.backend_pid != dropped
    with pytest.raises(Exception, match="relation"):  # any other error is the caller's
        rows.read_checking_connection("default", "SELECT 1 FROM no_such_table WHERE 1 = %s", [1])


def test_only_a_model_with_a_database_made_key_is_inserted():
    with pytest.raises(ValueError, match="database-made key"):
        insert_row(Token(key="x" * 40))


@pytest.mark.django_db
def test_an_id_beyond_the_columns_range_finds_nothing_as_the_orm_answers():
    card = CardFactory()
    assert Card.objects.filter(pk=2**70, centre_id=card.centre_id).first() is None
    assert one_row(Card, pk=2**70, centre_id=card.centre_id) is None
    assert one_row(Card, pk=-(2**70), centre_id=card.centre_id) is None


@pytest.mark.django_db
def test_a_hot_statement_is_kept_prepared_on_postgresql_and_still_counted(django_assert_num_queries):
    """Django binds parameters on the client, so PostgreSQL planned the till's statements anew each time;
    prepared_cursor binds them on the server and psycopg keeps one prepared after prepare_threshold runs."""
    card = CardFactory()
    threshold = connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold")
    with django_assert_num_queries(8):
        for _ in range(8):
            assert one_row(Card, pk=card.pk) == card
    if connection.vendor != "postgresql":
        return
    assert threshold is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['SELECT t0."id"%FROM "loyalty_card" t0%'])
        assert cursor.fetchall(), "the card's look-up was not prepared"


@pytest.mark.django_db
def test_a_prepared_cursor_translates_database_errors_as_django_does():
    from django.db import IntegrityError

    card = CardFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), rows.prepared_cursor() as cursor:
        cursor.execute(f'INSERT INTO {Card._meta.db_table} (id) VALUES (%s)', [card.pk])


@pytest.mark.django_db
def test_insert_values_are_what_the_fields_would_prepare():
    from loyalty.models import Check

    earlier = CheckFactory()
    for method in (Check.Method.QR, "number"):
        made = Check(card=earlier.card, partner=earlier.partner, perk=None, result="valid", method=method,
                     accepted=False, refusal="", day=earlier.day, flagged=True)
        fields = [f for f in Check._meta.concrete_fields if not f.primary_key and f.attname != "created_at"]
        assert rows.insert_values(made, fields, connection) == [
            f.get_db_prep_save(f.pre_save(made, True), connection) for f in fields]
