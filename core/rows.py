"""One row read by a few equal columns, or inserted, as the ORM would do it, with the SQL built once per process.

Django compiles a queryset's SQL on every evaluation: for `Card.objects.filter(pk=…, centre_id=…).first()` the
compiling (where, order, select, joins) costs more CPU than the query itself, and on the till's and the vote's hot
paths it was about a sixth of a request in the benchmark. `one_row(Card, pk=…, centre_id=…)` answers the same
instance (every concrete field, the backend's and the fields' converters applied, `_state` as loaded), optionally
with one non-null foreign key joined in (`related="user"`, cached on the instance as `select_related` would) and
the row locked (`lock=True`: `SELECT … FOR UPDATE OF` the model's own table). The SQL of each (model, columns,
related, lock, database) is built once. Only equality on concrete columns; anything else uses the ORM.
`insert_row(instance)` is `instance.save(force_insert=True)` for a model of one table with a database-made key
(pre_save and post_save are sent, auto_now fields set), one INSERT … RETURNING instead of the ORM's insert
compiler (a tenth of a till check's CPU).

`prepared_cursor(using)` runs these statements (and other hot hand-written ones) as prepared statements on
PostgreSQL: Django's cursors bind parameters on the client, so PostgreSQL parses and plans every statement anew,
and planning the till's counted insert cost more than running it (0.24 ms against 0.10 ms per check, measured
with pg_stat_statements on the bench data). A server-binding cursor lets psycopg prepare a statement on a
connection once it has run `prepare_threshold` times there (the database OPTIONS; None, as behind a transaction
pooler without prepared-statement support, turns it off). The ORM's own queries keep Django's client-side binding.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, models, router
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Plan:
    sql: str
    fields: tuple[models.Field, ...]  # the WHERE columns, in order
    ranges: tuple[tuple[int, int] | None, ...]  # an integer column's (min, max): a value outside finds nothing
    parts: tuple[tuple[type[models.Model], tuple[str, ...], tuple], ...]  # model, attnames, (converter, col)s
    related: models.ForeignKey | None


def columns_of(model: type[models.Model], alias: str, connection, only: tuple[str, ...] | None = None,
               ) -> tuple[list[str], tuple[str, ...], tuple]:
    """A model's concrete columns as `alias."column"` for a hand-written SELECT, their attnames and, per column,
    the (converter, col) pairs the ORM applies; `instance_of` makes the instance from such a row. With `only`
    (attnames, the key among them), those columns alone, in the model's order: the instance defers the others,
    as `.only()` would."""
    qn = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if only is None or f.attname in only]
    if only is not None and len(fields) != len(set(only)):
        raise ValueError(f"{model.__name__} has no concrete field among {sorted(set(only) - {f.attname for f in fields})}")
    select, converters = [], []
    for field in fields:
        select.append(f"{alias}.{qn(field.column)}")
        col = field.get_col(model._meta.db_table)
        converters.append(tuple((convert, col) for convert in
                                [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]))
    return select, tuple(f.attname for f in fields), tuple(converters)


def _integer_range(field: models.Field, connection) -> tuple[int, int] | None:
    while field.is_relation:  # a foreign key holds its target's type
        field = field.target_field
    internal = field.get_internal_type()
    return connection.ops.integer_field_range(internal) if internal in connection.ops.integer_field_ranges else None


@functools.cache  # one plan per (model, columns, related, lock, database), for the life of the process
def _plan(model: type[models.Model], names: tuple[str, ...], related: str | None, lock: bool, using: str) -> _Plan:
    connection = connections[using]
    qn = connection.ops.quote_name
    opts = model._meta
    select, attnames, converters = columns_of(model, "t0", connection)
    parts = [(model, attnames, converters)]
    joins = ""
    fk = None
    if related:
        fk = opts.get_field(related)
        if not ((fk.many_to_one or fk.one_to_one) and fk.concrete) or fk.null:
            raise ValueError(f"{opts.label}.{related} is not a non-null foreign key")
        target = fk.related_model
        more, target_names, target_converters = columns_of(target, "t1", connection)
        select += more
        parts.append((target, target_names, target_converters))
        joins = (f" INNER JOIN {qn(target._meta.db_table)} t1"
                 f" ON t1.{qn(fk.target_field.column)} = t0.{qn(fk.column)}")
    where_fields = tuple(opts.pk if name == "pk" else opts.get_field(name) for name in names)
    for field in where_fields:
        if not field.concrete:
            raise ValueError(f"{opts.label}.{field.name} is not a column")
    ranges = tuple(_integer_range(f, connection) for f in where_fields)
    where = " AND ".join(f"t0.{qn(f.column)} = %s" for f in where_fields)
    # Every name above comes from the models' _meta; the values are bound parameters.
    sql = (f"SELECT {', '.join(select)} FROM {qn(opts.db_table)} t0{joins} WHERE {where}"  # noqa: S608
           f" ORDER BY t0.{qn(opts.pk.column)} LIMIT 1")
    if lock:
        sql += " FOR UPDATE OF t0" if connection.features.has_select_for_update_of else (
            " FOR UPDATE" if connection.features.has_select_for_update else "")
    return _Plan(sql, where_fields, ranges, tuple(parts), fk)


def one_row(model: type[M], *, related: str | None = None, lock: bool = False, using: str | None = None,
            **equals: Any) -> M | None:
    """`model.objects[.select_related(related)][.select_for_update(of=("self",))].filter(**equals)
    .order_by("pk").first()`, with the SQL built once per process. A value that cannot be a column's (an id
    that is not a number) finds nothing, as `filter()` would raise instead: callers pass checked values."""
    using = using or router.db_for_read(model)
    names = tuple(sorted(equals))
    plan = _plan(model, names, related, lock, using)
    connection = connections[using]
    params = []
    try:
        for field, name, bounds in zip(plan.fields, names, plan.ranges, strict=True):
            value = field.to_python(equals[name])
            if bounds is not None and value is not None and not bounds[0] <= value <= bounds[1]:
                return None  # as the ORM answers a lookup beyond the column's range: nothing
            params.append(field.get_db_prep_value(value, connection, prepared=False))
    except (TypeError, ValueError, ValidationError):
        return None
    row = read_checking_connection(using, plan.sql, params)
    if row is None:
        return None
    instances = []
    start = 0
    for part_model, attnames, converters in plan.parts:
        instances.append(instance_of(part_model, using, attnames, converters, row[start:start + len(attnames)]))
        start += len(attnames)
    if plan.related is not None:
        plan.related.set_cached_value(instances[0], instances[1])
    return instances[0]


def instance_of(model: type[M], using: str, attnames: tuple[str, ...], converters: tuple, values) -> M:
    """The instance the ORM would load from a row of `columns_of(model, …)`'s columns (converters applied)."""
    connection = connections[using]
    values = list(values)
    for i, convert in enumerate(converters):
        for converter, col in convert:
            values[i] = converter(values[i], col, connection)
    return model.from_db(using, attnames, values)


def read_checking_connection(using: str, sql: str, params: list | dict, *, writes: bool = False) -> tuple | None:
    """The first row of a statement, the statement itself standing for the connection's health check.

    With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of each request that finds a
    persistent connection, a round trip of its own. A read has no effect, so when it is that first query it is
    sent at once: if it fails because the connection is broken (the server restarted, a proxy dropped it), the
    connection is closed and the read runs once more on a new one, as the health check would have made it. Any
    other error is raised as usual. A statement that `writes` is sent again only when the server said it ended
    the session (SQLSTATE class 57: terminated by an administrator, shut down, restarting), which rolls back
    what the session had not committed; a connection that just vanished might have committed it, so that error
    is raised (the caller's request fails, as it would have without the health check)."""
    connection = connections[using]
    raw = connection.connection
    optimistic = (raw is not None and connection.health_check_enabled and not connection.health_check_done
                  and not connection.in_atomic_block and not getattr(connection, "pool", None))
    if optimistic:
        connection.health_check_done = True
    try:
        with prepared_cursor(using) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    except DatabaseError as exc:
        raw = connection.connection
        if not optimistic or not (raw is None or raw.closed or getattr(raw, "broken", False)):
            raise
        if writes and not str(getattr(exc.__cause__, "sqlstate", None) or "").startswith("57"):
            raise
        connection.close()
    with prepared_cursor(using) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# Joined into an INSERT … SELECT: that statement's own transaction commits without waiting for the disk.
ASYNCHRONOUS_COMMIT = "(SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous_commit"


@functools.cache
def _insert_plan(model: type[models.Model], using: str, durable: bool = True,
                 ) -> tuple[str, tuple[models.Field, ...], bool]:
    connection = connections[using]
    qn = connection.ops.quote_name
    opts = model._meta
    if opts.parents or not opts.pk.db_returning:
        raise ValueError(f"{opts.label}: insert_row takes a model of one table with a database-made key")
    fields = tuple(f for f in opts.concrete_fields if not f.primary_key)
    returning = connection.features.can_return_columns_from_insert
    values = ", ".join(["%s"] * len(fields))
    # Every name comes from the model's _meta; the values are bound parameters.
    if durable:
        sql = f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES ({values})"  # noqa: S608
    else:  # the statement's own transaction commits without waiting for the disk (see insert_row)
        sql = (f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) SELECT {values}"  # noqa: S608
               f" FROM {ASYNCHRONOUS_COMMIT}")
    if returning:
        sql += f" RETURNING {qn(opts.pk.column)}"
    return sql, fields, returning


# Fields whose get_db_prep_save hands a value of the given type back unchanged (their subclasses, which may
# convert, are left out): such a value skips the field's layers of preparation.
_PLAIN_VALUE = {**dict.fromkeys((models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField,
                                 models.SmallIntegerField, models.PositiveIntegerField,
                                 models.PositiveBigIntegerField, models.PositiveSmallIntegerField), int),
                models.CharField: str, models.TextField: str, models.BooleanField: bool}


def insert_values(instance: models.Model, fields, connection) -> list:
    """`[f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]`, as an INSERT binds them,
    without the field's preparation where it would return the value as it is: None, or an int of a plain
    integer column (or of a foreign key to one), a str of a plain text column, a bool of a boolean column (each
    field's preparation is several calls, a tenth of the till's Python besides its statements)."""
    out = []
    for f in fields:
        value = f.pre_save(instance, True)
        target = f.target_field if f.is_relation else f
        if value is None or type(value) is _PLAIN_VALUE.get(type(target)):
            out.append(value)
        else:
            out.append(f.get_db_prep_save(value, connection))
    return out


def insert_row(instance: models.Model, *, using: str | None = None, durable: bool = True) -> None:
    """Insert a new instance as `save(force_insert=True)` would (its key set from the database afterwards).

    `durable=False`, for a record nothing else is decided by (a log line, a statistic): on PostgreSQL, outside
    any transaction, the INSERT's own transaction commits without waiting for its WAL to reach the disk
    (`synchronous_commit` off for that transaction only, set inside the statement). The row is visible to every
    other session at once, as with any commit; a crash of the database server (not of a web process) can lose
    the last such rows of a fraction of a second (wal_writer_delay, 200 ms by default, times three at most) and
    never corrupts anything (PostgreSQL's "asynchronous commit"). Inside a transaction, or on another database,
    it is an ordinary insert: the setting would reach the caller's other writes."""
    model = type(instance)
    using = using or router.db_for_write(model, instance=instance)
    connection = connections[using]
    durable = durable or connection.vendor != "postgresql" or connection.in_atomic_block
    sql, fields, returning = _insert_plan(model, using, durable)
    pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
    params = insert_values(instance, fields, connection)
    with prepared_cursor(using) as cursor:
        cursor.execute(sql, params)
        pk = cursor.fetchone()[0] if returning else connection.ops.last_insert_id(
            cursor, model._meta.db_table, model._meta.pk.column)
    setattr(instance, model._meta.pk.attname, pk)
    instance._state.adding, instance._state.db = False, using
    post_save.send(sender=model, instance=instance, created=True, update_fields=None, raw=False, using=using)


@contextlib.contextmanager
def prepared_cursor(using: str | None = None) -> Iterator[Any]:
    """`connections[using].cursor()`, binding its parameters on the server on PostgreSQL with psycopg 3, so that a
    statement run often is kept prepared on the connection (see the module's docstring); elsewhere Django's own
    cursor. It is wrapped as Django wraps its cursors: database errors translated, queries logged and counted
    (`assertNumQueries`), the health check and the connection's time zone applied."""
    connection = connections[using or "default"]
    backend = _postgresql_backend() if connection.vendor == "postgresql" else None
    if not hasattr(backend, "ServerBindingCursor"):  # not PostgreSQL, or psycopg 2
        with connection.cursor() as cursor:
            yield cursor
        return
    # As BaseDatabaseWrapper._cursor() does, with the server-binding cursor in place of create_cursor()'s.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = backend.ServerBindingCursor(connection.connection)
        if connection.timezone != connection.connection.adapters.get_loader(
                backend.TIMESTAMPTZ_OID, backend.Format.TEXT).timezone:
            backend.register_tzloader(connection.timezone, raw)
        cursor = connection._prepare_cursor(raw)
    with cursor:
        yield cursor


@functools.cache
def _postgresql_backend() -> Any:
    from django.db.backends.postgresql import base  # imported only once a PostgreSQL connection exists

    return base
