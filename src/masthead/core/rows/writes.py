"""Inserts as SQL written once per process, and an insert with the statements that follow it.

The comment and its screening record are written inside the transaction that every poster
queues for on SQLite, and compiling the ORM's INSERT cost more than running it. On
PostgreSQL ``insert_then`` sends an insert and the statements that use its new key as one
statement, so a post needs no transaction round trips of its own.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import connection as default_connection
from django.db import connections, models, router, transaction
from django.db.models import signals

M = TypeVar("M", bound=models.Model)

_lock = threading.Lock()


@dataclass(frozen=True)
class _InsertShape:
    sql: str
    fields: list[Any]
    returning: Any  # the auto primary key read back, or None when the row brings its own


_inserts: dict[tuple[Any, ...], _InsertShape | None] = {}


def _insert_shape(model: type[models.Model], alias: str, *, with_pk: bool) -> _InsertShape | None:
    """The INSERT for ``model``, or None where ``save()`` must do it (inherited models, fields
    with a database default or placeholder of their own, no RETURNING)."""
    key = (model, alias, with_pk)
    if key in _inserts:
        return _inserts[key]
    meta = model._meta
    connection = connections[alias]
    auto = meta.auto_field
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and (with_pk or field is not auto)
    ]
    returning = None if with_pk else auto
    plain = (
        not meta.parents
        and not meta.is_composite_pk
        and not meta.order_with_respect_to
        and connection.features.can_return_columns_from_insert
        and list(meta.db_returning_fields) == ([auto] if auto is not None else [])
        and (with_pk or auto is not None)
        and not any(hasattr(field, "get_placeholder") or field.has_db_default() for field in fields)
    )
    shape = None
    if plain:
        quote = connection.ops.quote_name
        table = quote(str(meta.db_table))
        columns = ", ".join(quote(str(field.column)) for field in fields)
        placeholders = ", ".join("%s" for _ in fields)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - quoted names, bound values
        if returning is not None:
            sql += f" RETURNING {table}.{quote(str(returning.column))}"
        shape = _InsertShape(sql=sql, fields=fields, returning=returning)
    with _lock:
        _inserts[key] = shape
    return shape


def insert(instance: M) -> M:
    """Save the new ``instance`` with one INSERT written once per process, as ``save()`` would.

    The same steps in the same order: ``pre_save`` signal, each field's ``pre_save`` (``auto_now_add``)
    and database adaptation, the automatic primary key read back, ``post_save`` signal. Where
    a model or a value needs more (inheritance, database defaults, expressions), ``save()``
    does it instead.
    """
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    shape = _insert_shape(model, alias, with_pk=instance.pk is not None)
    # An expression as a value (F(), Now()) needs the compiler.
    if shape is None or any(
        hasattr(getattr(instance, field.attname), "resolve_expression") for field in shape.fields
    ):
        instance.save(force_insert=True, using=alias)
        return instance
    connection = connections[alias]
    params = _prepared_values(instance, shape, connection)
    with transaction.mark_for_rollback_on_error(alias), connection.cursor() as cursor:
        cursor.execute(shape.sql, params)
        if shape.returning is not None:
            row = cursor.fetchone()
            setattr(instance, shape.returning.attname, row[0])
    instance._state.adding = False
    instance._state.db = alias
    signals.post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
    )
    return instance


class _NewKey:
    def __repr__(self) -> str:
        return "rows.NEW_KEY"


# In a ``Statement``'s params: the primary key of the row ``insert_then`` inserts.
NEW_KEY: Any = _NewKey()


@dataclass(frozen=True)
class Statement:
    """One SQL statement of Masthead's own, ``%s`` placeholders bound to ``params`` in order
    (already adapted for the database, or ``NEW_KEY``)."""

    sql: str
    params: Sequence[Any] = ()


def _prepared_values(instance: models.Model, shape: _InsertShape, connection: Any) -> list[Any]:
    model = type(instance)
    signals.pre_save.send(
        sender=model, instance=instance, raw=False, using=connection.alias, update_fields=None
    )
    # What save() checks first: no unsaved related object, foreign key ids taken from them.
    cast(Any, instance)._prepare_related_fields_for_save(operation_name="save")
    values = [field.pre_save(instance, True) for field in shape.fields]
    return [
        value if value is NEW_KEY else field.get_db_prep_save(value, connection=connection)
        for field, value in zip(shape.fields, values, strict=True)
    ]


def insert_statement(instance: models.Model) -> Statement | None:
    """The INSERT that saves the new ``instance`` (whose fields may hold ``NEW_KEY``), as a
    ``Statement`` for ``insert_then``; its own primary key is not read back and no
    ``post_save`` is sent for it. None where ``save()`` is needed (see ``insert``)."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    shape = _insert_shape(model, alias, with_pk=instance.pk is not None)
    if shape is None or any(
        hasattr(getattr(instance, field.attname), "resolve_expression") for field in shape.fields
    ):
        return None
    sql = shape.sql.split(" RETURNING ", 1)[0]
    return Statement(sql, _prepared_values(instance, shape, connections[alias]))


def _bind_new_key(statement: Statement, key_sql: str) -> tuple[str, list[Any]]:
    """``statement`` with each ``NEW_KEY`` param written into its SQL as ``key_sql``."""
    pieces = statement.sql.split("%s")
    if len(pieces) != len(statement.params) + 1 or "%%" in statement.sql:
        raise ValueError(
            f"{len(statement.params)} params for {len(pieces) - 1} placeholders: {statement.sql}"
        )
    sql = [pieces[0]]
    params: list[Any] = []
    for param, piece in zip(statement.params, pieces[1:], strict=True):
        if param is NEW_KEY:
            sql.append(key_sql)
        else:
            sql.append("%s")
            params.append(param)
        sql.append(piece)
    return "".join(sql), params


def insert_then(
    instance: M,
    statements: Sequence[Statement],
    *,
    after: Callable[[], object] | None = None,
    savepoint: bool = True,
) -> M:
    """Insert ``instance`` as ``insert`` does, then run ``statements``, all or nothing; a
    ``NEW_KEY`` in their params is the inserted row's primary key. ``after`` is called once
    they are written, inside their transaction where they have one. ``savepoint=False``
    inside a transaction the caller rolls back on any error (as ``atomic(savepoint=False)``):
    two round trips fewer.

    On PostgreSQL this is one statement (the INSERT and the rest as data-modifying WITH
    clauses), so it needs no transaction of its own when none is open: one round trip
    instead of a BEGIN, one per statement and a COMMIT. The statements cannot see each
    other's changes, so none may touch a row another one writes. Elsewhere they run one after
    another in a transaction.
    """
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    shape = _insert_shape(model, alias, with_pk=False)
    if (
        connection.vendor != "postgresql"
        or shape is None
        or shape.returning is None
        or instance.pk is not None
        or any(hasattr(getattr(instance, field.attname), "resolve_expression") for field in shape.fields)
    ):
        with transaction.atomic(using=alias, savepoint=savepoint):
            insert(instance)
            with connection.cursor() as cursor:
                for statement in statements:
                    params = [instance.pk if param is NEW_KEY else param for param in statement.params]
                    cursor.execute(statement.sql, params)
            if after is not None:
                after()
        return instance
    quote = connection.ops.quote_name
    key_sql = f"(SELECT {quote(str(shape.returning.column))} FROM {quote('new')})"  # noqa: S608 - quoted names
    clauses = [f"{quote('new')} AS ({shape.sql})"]
    params = _prepared_values(instance, shape, connection)
    for number, statement in enumerate(statements, start=1):
        sql, bound = _bind_new_key(statement, key_sql)
        clauses.append(f"{quote(f'then{number}')} AS ({sql})")
        params.extend(bound)
    sql = f"WITH {', '.join(clauses)} SELECT * FROM {quote('new')}"  # noqa: S608 - our own statements
    # Inside an open transaction, a savepoint, so that a failure (a unique key raced) leaves
    # it usable; outside one, the statement is its own transaction.
    guard = (
        transaction.atomic(using=alias, savepoint=savepoint)
        if connection.in_atomic_block
        else contextlib.nullcontext()
    )
    with guard, connection.cursor() as cursor:
        cursor.execute(sql, params)
        setattr(instance, shape.returning.attname, cursor.fetchone()[0])
    instance._state.adding = False
    instance._state.db = alias
    signals.post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
    )
    if after is not None:
        after()
    return instance


def run(statement: Statement) -> int:
    """Run ``statement`` (one without ``NEW_KEY``) on the default database; the rows it changed."""
    with default_connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        return cursor.rowcount
