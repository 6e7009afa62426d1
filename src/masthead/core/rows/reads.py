"""Reads of one row as SQL written once per process (see the package's docstring).

Values go through the fields' own adaptation on the way in (``get_db_prep_value``) and the
database's converters on the way out (datetimes made aware, booleans), and rows become
instances through ``Model.from_db``, so a deferred field still loads on first use. Anything
beyond equality and comparisons on one table (and one joined foreign key) stays with the ORM.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models, router
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
    # ``keyed_row``: the attribute it is set as, its model, and its fields' attnames.
    keyed: tuple[str, type[models.Model], list[str]] | None
    keyed_param: models.Field | None
    # ``also_exists``: the name the flag is set as, the fields its values are adapted by, and
    # whether it is about the joined row (else about this one).
    flag: tuple[str, list[models.Field], bool] | None = None


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
    also: tuple[str, type[models.Model], str | None, Sequence[str]] | None = None,
    keyed: tuple[str, type[models.Model], str, Sequence[str]] | None = None,
) -> _Shape:
    key = (
        model,
        tuple(fields),
        tuple(where),
        related and (related[0], tuple(related[1])),
        alias,
        exists,
        also and (*also[:3], tuple(also[3])),
        keyed and (*keyed[:3], tuple(keyed[3])),
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
    # The joined table and its key column: what an ``also`` about the joined row links to.
    joined: tuple[type[models.Model], str, str] | None = None
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
        joined = (other, other_table, quote(target))
    keyed_shape = None
    keyed_param = None
    if keyed is not None:
        keyed_name, keyed_model, keyed_key, keyed_fields = keyed
        keyed_db_name = keyed_model._meta.db_table
        keyed_table = quote(keyed_db_name)
        keyed_selected = [_field(keyed_model, name) for name in keyed_fields]
        columns += [f"{keyed_table}.{quote(field.column)}" for field in keyed_selected]
        expressions += [Col(keyed_db_name, field) for field in keyed_selected]
        keyed_param = _field(keyed_model, keyed_key)
        joins += f" LEFT OUTER JOIN {keyed_table} ON {keyed_table}.{quote(keyed_param.column)} = %s"
        keyed_shape = (keyed_name, keyed_model, [field.attname for field in keyed_selected])
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
        about_joined = False
        tests = []
        if link is not None:
            link_field = _field(other, link)
            # About the joined row when the link points at its model (and not at this one).
            about_joined = (
                joined is not None and link_field.related_model is joined[0] and joined[0] is not model
            )
            if about_joined:
                key_column = f"{joined[1]}.{joined[2]}"  # type: ignore[index]
            else:
                key_column = f"{table}.{quote(str(model._meta.pk.column))}"  # type: ignore[union-attr]
            tests.append(f"{other_table}.{quote(link_field.column)} = {key_column}")
        other_fields = []
        for condition in other_where:
            other_name, operator = _split(condition)
            other_fields.append(_field(other, other_name))
            tests.append(f"{other_table}.{quote(other_fields[-1].column)} {operator} %s")
        select += f", EXISTS(SELECT 1 FROM {other_table} WHERE {' AND '.join(tests)})"  # noqa: S608 - quoted names, bound values
        flag = (name, other_fields, about_joined)
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
        keyed=keyed_shape,
        keyed_param=keyed_param,
        flag=flag,
    )
    with _lock:
        _shapes[key] = shape
    return shape


def _run(
    shape: _Shape,
    values: Sequence[Any],
    alias: str,
    also_values: Sequence[Any] = (),
    keyed_value: Any = None,
) -> tuple[Any, ...] | None:
    connection = connections[alias]
    params = [
        field.get_db_prep_value(value, connection) for field, value in zip(shape.params, values, strict=True)
    ]
    if shape.keyed_param is not None:
        # The keyed join's value sits between the select list and the WHERE.
        params.insert(0, shape.keyed_param.get_db_prep_value(keyed_value, connection))
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
    also_exists: tuple[str, type[models.Model], str | None, dict[str, Any]] | None = None,
    keyed_row: tuple[str, type[models.Model], str, Sequence[str], Any] | None = None,
) -> M | None:
    """The one row of ``model`` matching ``where``, with ``fields`` loaded, or None.

    ``where``: field names compared with ``params`` in order, ``=`` unless the name ends in
    ``<``, ``<=``, ``>`` or ``>=``. ``related``: a foreign key and fields of its model to load
    with a join, as ``select_related(...).only(...)`` would. Meant for lookups that match at
    most one row (a primary or unique key); with several, which one is unspecified.
    ``also_exists``: ``(attribute, other model, its field holding this row's key, {field: value})``
    sets ``attribute`` on the instance to whether such a row exists, asked in the same query
    (the conditions as in ``where``, so ``{"created_at>=": since}`` works). When that field
    points at the ``related`` model instead, the question is about the joined row, and the
    attribute is set on it (when there is one). With None for that field, the conditions
    alone decide (bind the key among them), and the attribute is set on this row.
    ``keyed_row``: ``(attribute, other model, its unique field, fields, value)`` loads the row
    of another model whose field equals ``value`` in the same query (a LEFT JOIN on a bound
    key, not on a column of this row) and sets it as ``attribute``, None when there is none.
    """
    alias = router.db_for_read(model)
    also = None
    also_values: list[Any] = []
    if also_exists is not None:
        also = (also_exists[0], also_exists[1], also_exists[2], tuple(also_exists[3]))
        also_values = list(also_exists[3].values())
    keyed = keyed_row and (keyed_row[0], keyed_row[1], keyed_row[2], tuple(keyed_row[3]))
    shape = _shape(model, fields, where, related, alias, exists=False, also=also, keyed=keyed)
    row = _run(shape, params, alias, also_values, keyed_row[4] if keyed_row is not None else None)
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
    joined = None
    if shape.related is not None:
        name, other, attnames = shape.related
        rest = values[count : count + len(attnames)]
        count += len(attnames)
        # A null foreign key finds no row: its joined columns are all null.
        joined = (
            None
            if rest[attnames.index(other._meta.pk.attname)] is None
            else other.from_db(alias, attnames, rest)
        )
        _field(model, name).set_cached_value(instance, joined)
    if shape.keyed is not None:
        name, other, attnames = shape.keyed
        rest = values[count : count + len(attnames)]
        found = (
            None
            if rest[attnames.index(other._meta.pk.attname)] is None
            else other.from_db(alias, attnames, rest)
        )
        setattr(instance, name, found)
    if shape.flag is not None:
        about = joined if shape.flag[2] else instance
        if about is not None:
            setattr(about, shape.flag[0], flag)
    return instance


def exists(model: type[models.Model], *, where: Sequence[str], params: Sequence[Any]) -> bool:
    """Whether a row of ``model`` matches ``where`` (as in ``first``)."""
    alias = router.db_for_read(model)
    return _run(_shape(model, (), where, None, alias, exists=True), params, alias) is not None
