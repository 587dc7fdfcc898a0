"""Query shapes that keep a page's cost to the rows it shows (docs/decisions/0081).

`field IN (SELECT pk FROM <every record the user may see>)` makes the database build the whole
list first: at a borough's size tens of thousands of cases for a hub caseworker, on every
request, whatever the page shows. `one_of` asks the same question row by row instead, with a
correlated EXISTS on the record's key, so that the cost follows the rows the rest of the query
has already narrowed to (the planner can still turn it into a join where that is cheaper).

A page asks "is this one of the records the user may see?" a dozen times, once for each
section, and Django builds and compiles the whole visibility condition each time: most of an
address page's CPU (decision 0141). `compile_records` turns the condition into SQL once, with
aliases of its own, and `one_of_compiled` puts that SQL in place of the EXISTS, with only
the outer row's key filled in. The SQL is the one Django writes for the EXISTS itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Exists, Expression, F, OuterRef, Q, QuerySet

# Where the outer row's key goes in compiled SQL: a marker no generated SQL contains.
OUTER_KEY = "__nestguard_outer_key__"
# The aliases a condition is compiled with, before they are named after its SQL (below).
_DRAFT_PREFIX = "ngdraftx"


class _OuterKey(Expression):
    """The outer row's key in a condition being compiled: written as the marker."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return OUTER_KEY, ()


@dataclass(frozen=True)
class CompiledRecords:
    """`EXISTS (SELECT 1 FROM <records> WHERE pk = <outer key>)` as SQL, for one database
    vendor; `sql` is None when the records are none at all."""

    vendor: str
    sql: str | None
    params: tuple[Any, ...]


def compile_records(records: QuerySet[Any]) -> CompiledRecords:
    """The EXISTS that `one_of(records)` would make, compiled now.

    Its tables get aliases of their own, `ng<digest>x<n>`, named after the SQL's text: unlike
    Django's `U0` or `T3`, no outer query uses them, so the outer key written in at the marker
    always means the outer row; and the same condition for another user gives the same text,
    so the database's statement cache still serves it."""
    connection = connections[records.db]
    if records.query.is_empty():
        return CompiledRecords(connection.vendor, None, ())
    query = Exists(records.filter(pk=_OuterKey())).query
    query.change_aliases({alias: f"{_DRAFT_PREFIX}{n}" for n, alias in enumerate(query.alias_map)})
    try:
        # What `Exists.as_sql` writes inside its EXISTS(...) (its ordering is cleared already).
        sql, params = query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return CompiledRecords(connection.vendor, None, ())
    if sql.count(OUTER_KEY) != 1 or any(OUTER_KEY in str(param) for param in params):
        raise ValueError("a compiled condition must name the outer key exactly once")
    exists = f"EXISTS({sql})"
    digest = hashlib.blake2s(exists.encode(), digest_size=4).hexdigest()
    return CompiledRecords(
        connection.vendor, exists.replace(_DRAFT_PREFIX, f"ng{digest}x"), tuple(params)
    )


class _CompiledOneOf(Expression):
    """True where the outer row's key is one of compiled records (see `compile_records`)."""

    output_field = BooleanField()

    def __init__(self, records: CompiledRecords, key: Any) -> None:
        super().__init__(output_field=BooleanField())
        self.records = records
        self.key = key

    def get_source_expressions(self) -> list[Any]:
        return [self.key]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.key,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        sql = self.records.sql
        assert sql is not None  # `one_of_compiled` answers "one of nothing" without this
        if connection.vendor != self.records.vendor:
            raise ValueError("compiled records are for a query on another database")
        key_sql, key_params = compiler.compile(self.key)
        if key_params:
            raise ValueError("the outer key must be a column")
        return sql.replace(OUTER_KEY, key_sql), self.records.params


def one_of(records: QuerySet[Any], field: str = "pk") -> Exists | Q:
    """True where the outer row's `field` (a key or a foreign key) is one of `records`:
    `Model.objects.filter(one_of(visible_cases(user), "case"))` reads as
    `filter(case__in=visible_cases(user))`. A null `field` is one of nothing. One of no
    records (`Model.objects.none()`) is a condition Django leaves out of an OR altogether,
    rather than a subquery that reads nothing row by row."""
    if records.query.is_empty():
        return Q(pk__in=[])
    return Exists(records.filter(pk=OuterRef(field)))


def one_of_compiled(records: CompiledRecords, field: str = "pk") -> Expression | Q:
    """`one_of` for records compiled already (`compile_records`): the same condition, the
    same SQL, without building and compiling the records' condition again."""
    if records.sql is None:
        return Q(pk__in=[])
    return _CompiledOneOf(records, F(field))
