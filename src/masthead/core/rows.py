"""Hot reads and inserts as SQL written once per process, with model instances as the ORM makes them.

Posting a comment makes a handful of small reads (the session, the thread, the author's
standing, the repeat check, the verified address). Each is one indexed row, and profiling a
served worker under load showed the ORM building and compiling those queries taking more
CPU than running them: together about a third of a post. Here a read's SQL is written once
per process from the model's metadata; values go through the fields' own adaptation on the
way in (``get_db_prep_value``) and the database's converters on the way out (datetimes made
aware, booleans), and rows become instances through ``Model.from_db``, so a deferred field
still loads on first use. Anything beyond equality and comparisons on one table (and one
joined foreign key) stays with the ORM.

``insert`` does the same for saving a new row: the comment and its screening record are
written inside the transaction that every poster queues for on SQLite, and compiling the
ORM's INSERT cost more than running it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import connections, models, router, transaction
from django.db.models import signals
from django.db.models.expressions import Col

M = TypeVar("M", bound=models.Model)

_OPERATORS = ("<=", ">=", "<", ">", "=")


@dataclass(frozen=True)
class _Shape:
    sql: str
    attnames: list[str]
    converters: list[list[Any]]
    expressions: list[Col]
    params: list[models.Field]
    related: tuple[str, type[models.Model], list[str]] | None
    # ``also_exists``: the name the flag is set as, and the fields its values are adapted by.
    flag: tuple[str, list[models.Field]] | None = None


_shapes: dict[tuple[Any, ...], _Shape] = {}
_lock = threading.Lock()


def _split(condition: str) -> tuple[str, str]:
    for operator in _OPERATORS:
        if condition.endswith(operator):
            return condition[: -len(operator)], operator
    return condition, "="


def _field(model: type[models.Model], name: str) -> Any:
    # Concrete fields only: what get_field returns for a column (mypy sees relations too).
    return model._meta.get_field(name)


def _shape(
    model: type[models.Model],
    fields: Sequence[str],
    where: Sequence[str],
    related: tuple[str, Sequence[str]] | None,
    alias: str,
    *,
    exists: bool,
    also: tuple[str, type[models.Model], str, Sequence[str]] | None = None,
) -> _Shape:
    key = (
        model,
        tuple(fields),
        tuple(where),
        related and (related[0], tuple(related[1])),
        alias,
        exists,
        also and (*also[:3], tuple(also[3])),
    )
    found = _shapes.get(key)
    if found is not None:
        return found
    connection = connections[alias]
    quote = connection.ops.quote_name
    table_name = model._meta.db_table
    table = quote(table_name)
    selected = [_field(model, name) for name in fields]
    columns = [f"{table}.{quote(field.column)}" for field in selected]
    expressions = [Col(table_name, field) for field in selected]
    joins = ""
    related_shape = None
    if related is not None:
        foreign_key = _field(model, related[0])
        other: type[models.Model] = foreign_key.related_model
        other_name = other._meta.db_table
        other_table = quote(other_name)
        other_fields = [_field(other, name) for name in related[1]]
        columns += [f"{other_table}.{quote(field.column)}" for field in other_fields]
        expressions += [Col(other_name, field) for field in other_fields]
        target = _field(other, other._meta.pk.name).column  # type: ignore[union-attr]
        joins = f" LEFT OUTER JOIN {other_table} ON {table}.{quote(foreign_key.column)} = {other_table}.{quote(target)}"
        related_shape = (related[0], other, [field.attname for field in other_fields])
    conditions = []
    params = []
    for condition in where:
        name, operator = _split(condition)
        field = _field(model, name)
        conditions.append(f"{table}.{quote(field.column)} {operator} %s")
        params.append(field)
    select = "1" if exists else ", ".join(columns)
    flag = None
    if also is not None:
        name, other, link, other_where = also
        other_table = quote(other._meta.db_table)
        link_field = _field(other, link)
        pk_column = str(model._meta.pk.column)  # type: ignore[union-attr]
        tests = [f"{other_table}.{quote(link_field.column)} = {table}.{quote(pk_column)}"]
        other_fields = []
        for condition in other_where:
            other_name, operator = _split(condition)
            other_fields.append(_field(other, other_name))
            tests.append(f"{other_table}.{quote(other_fields[-1].column)} {operator} %s")
        select += f", EXISTS(SELECT 1 FROM {other_table} WHERE {' AND '.join(tests)})"  # noqa: S608 - quoted names, bound values
        flag = (name, other_fields)
    sql = f"SELECT {select} FROM {table}{joins} WHERE {' AND '.join(conditions)} LIMIT 1"  # noqa: S608 - quoted names, bound values
    converters = [
        connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        for expression in expressions
    ]
    shape = _Shape(
        sql=sql,
        attnames=[field.attname for field in selected],
        converters=converters,
        expressions=expressions,
        params=params,
        related=related_shape,
        flag=flag,
    )
    with _lock:
        _shapes[key] = shape
    return shape


def _run(
    shape: _Shape, values: Sequence[Any], alias: str, also_values: Sequence[Any] = ()
) -> tuple[Any, ...] | None:
    connection = connections[alias]
    params = [
        field.get_db_prep_value(value, connection) for field, value in zip(shape.params, values, strict=True)
    ]
    if shape.flag is not None:
        # The EXISTS sits in the select list, before the WHERE: its values go first.
        params[:0] = [
            field.get_db_prep_value(value, connection)
            for field, value in zip(shape.flag[1], also_values, strict=True)
        ]
    with connection.cursor() as cursor:
        cursor.execute(shape.sql, params)
        return cursor.fetchone()


def first(
    model: type[M],
    *,
    fields: Sequence[str],
    where: Sequence[str],
    params: Sequence[Any],
    related: tuple[str, Sequence[str]] | None = None,
    also_exists: tuple[str, type[models.Model], str, dict[str, Any]] | None = None,
) -> M | None:
    """The one row of ``model`` matching ``where``, with ``fields`` loaded, or None.

    ``where``: field names compared with ``params`` in order, ``=`` unless the name ends in
    ``<``, ``<=``, ``>`` or ``>=``. ``related``: a foreign key and fields of its model to load
    with a join, as ``select_related(...).only(...)`` would. Meant for lookups that match at
    most one row (a primary or unique key); with several, which one is unspecified.
    ``also_exists``: ``(attribute, other model, its field holding this row's key, {field: value})``
    sets ``attribute`` on the instance to whether such a row exists, asked in the same query
    (the conditions as in ``where``, so ``{"created_at>=": since}`` works).
    """
    alias = router.db_for_read(model)
    also = None
    also_values: list[Any] = []
    if also_exists is not None:
        also = (also_exists[0], also_exists[1], also_exists[2], tuple(also_exists[3]))
        also_values = list(also_exists[3].values())
    shape = _shape(model, fields, where, related, alias, exists=False, also=also)
    row = _run(shape, params, alias, also_values)
    if row is None:
        return None
    connection = connections[alias]
    values = list(row)
    flag = None
    if shape.flag is not None:
        flag = bool(values.pop())
    for index, converters in enumerate(shape.converters):
        for converter in converters:
            values[index] = converter(values[index], shape.expressions[index], connection)
    count = len(shape.attnames)
    instance = model.from_db(alias, shape.attnames, values[:count])
    if shape.related is not None:
        name, other, attnames = shape.related
        rest = values[count:]
        # A null foreign key finds no row: its joined columns are all null.
        joined = (
            None
            if rest[attnames.index(other._meta.pk.attname)] is None
            else other.from_db(alias, attnames, rest)
        )
        _field(model, name).set_cached_value(instance, joined)
    if shape.flag is not None:
        setattr(instance, shape.flag[0], flag)
    return instance


def exists(model: type[models.Model], *, where: Sequence[str], params: Sequence[Any]) -> bool:
    """Whether a row of ``model`` matches ``where`` (as in ``first``)."""
    alias = router.db_for_read(model)
    return _run(_shape(model, (), where, None, alias, exists=True), params, alias) is not None


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
