"""A lean bulk insert for the demo's history: rows as dicts of field attnames, written with
`executemany` (SQLite) or COPY (PostgreSQL). Django's bulk_create prepares every value
through the generic field pipeline, which at load-test scale (millions of rows) costs more
than the database does; here each column's conversion is chosen once. Columns left out take
the field's default, as bulk_create would. Only the demo generator uses this
(docs/decisions/0005)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone

Converter = Callable[[Any], Any]
_PLAIN = frozenset(
    {
        "CharField",
        "TextField",
        "EmailField",
        "SlugField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "BooleanField",
        "FloatField",
    }
)


def _identity(value: Any) -> Any:
    return value


def _uuid_hex(value: Any) -> Any:
    return None if value is None else value.hex


def _sqlite_datetime(value: datetime | None) -> str | None:
    # As Django's SQLite backend stores them: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _converter(field: models.Field) -> Converter:  # type: ignore[type-arg]
    target = getattr(field, "target_field", field) if field.is_relation else field
    kind = target.get_internal_type()
    sqlite = connection.vendor == "sqlite"
    if kind == "UUIDField":
        return _uuid_hex if sqlite else _identity
    if kind == "DateTimeField":
        return _sqlite_datetime if sqlite else _identity
    if kind == "DateField":
        return _sqlite_date if sqlite else _identity
    if kind in _PLAIN:
        return _identity

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


def bulk_insert(model: type[models.Model], rows: Sequence[dict[str, Any]], batch_size: int) -> int:
    """Insert `rows` (dicts keyed by attname) into `model`'s table; returns how many."""
    if not rows:
        return 0
    meta = model._meta
    fields = [
        f
        for f in meta.concrete_fields
        if not isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField)
    ]
    now = timezone.now()
    columns: list[tuple[str, Converter, Any, Callable[[], Any] | None]] = []
    for f in fields:
        convert = _converter(f)
        per_row: Callable[[], Any] | None = None
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constant = convert(now)
        elif f.primary_key and f.has_default():
            constant, per_row = None, f.get_default
        else:
            constant = convert(f.get_default())
        columns.append((f.attname, convert, constant, per_row))
    # Table and column names come from the model's metadata, never from input.
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    known = {name for name, *_ in columns}
    for row in rows[:1]:
        unknown = set(row) - known
        if unknown:
            raise ValueError(f"{meta.label} has no columns {sorted(unknown)}")
    values: list[tuple[Any, ...]] = []
    for row in rows:
        values.append(
            tuple(
                convert(row[name]) if name in row else (convert(per_row()) if per_row else constant)
                for name, convert, constant, per_row in columns
            )
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: an order of magnitude quicker than INSERTs.
            copy_sql = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for value in values:
                    copy.write_row(value)
        else:
            for start in range(0, len(values), batch_size):
                cursor.executemany(sql, values[start : start + batch_size])
    return len(values)
