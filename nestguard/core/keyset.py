"""Keyset pagination for lists that grow with the borough (docs/decisions/0081).

A page is "the `size` rows after (or before) this row in the list's order", found by a
condition on the ordering columns that an index can serve, never by counting every row or
skipping `OFFSET` of them. Lists link to the next and previous pages only (the GOV.UK
pagination pattern without page numbers); there is no total.

The cursor names the boundary row by its ordering values, signed (`django.core.signing`) so
that a link cannot be edited into a malformed query; a cursor that does not verify gives the
first page. The ordering must end with a unique key (`pk`) so that every row has one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy

T = TypeVar("T", bound=Model)

SALT = "nestguard.core.keyset"


@dataclass(frozen=True)
class Key:
    """One ordering column: a model field (or an annotation) of the list."""

    field: str
    descending: bool = False
    nulls_last: bool = False  # only on an ascending key: empty values after every value

    def order_by(self, *, reverse: bool) -> OrderBy:
        descending = self.descending != reverse
        expression = F(self.field)
        if self.nulls_last:
            return (
                expression.desc(nulls_first=True) if descending else expression.asc(nulls_last=True)
            )
        return expression.desc() if descending else expression.asc()


@dataclass
class KeysetPage(Generic[T]):
    rows: list[T]
    next_cursor: str = ""
    previous_cursor: str = ""

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _value(row: Any, key: Key) -> Any:
    return getattr(row, "pk" if key.field == "pk" else key.field)


def _encode(direction: str, row: Any, keys: Sequence[Key]) -> str:
    values = []
    for key in keys:
        value = _value(row, key)
        values.append(None if value is None else str(value))
    return signing.dumps([direction, values], salt=SALT, compress=True)


def _decode(model: type[Model], cursor: str, keys: Sequence[Key]) -> tuple[str, list[Any]] | None:
    try:
        direction, raw = signing.loads(cursor, salt=SALT)
        if direction not in ("after", "before") or len(raw) != len(keys):
            return None
        values = []
        for key, value in zip(keys, raw, strict=True):
            field = model._meta.pk if key.field == "pk" else model._meta.get_field(key.field)
            values.append(None if value is None else field.to_python(value))  # type: ignore[union-attr]
        return direction, values
    except (signing.BadSignature, ValueError, TypeError, LookupError, Exception):
        return None


def _beyond(keys: Sequence[Key], values: Sequence[Any], *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the row with these ordering values."""
    key, value, rest = keys[0], values[0], keys[1:]
    tail = _beyond(rest, values[1:], forward=forward) if rest else None
    later = key.descending != (not forward)  # the lookup that moves in the wanted direction
    lookup = "lt" if later else "gt"
    if value is None:  # only a nulls-last key can be empty: nulls sort after every value
        if forward:
            same_then_rest = Q(**{f"{key.field}__isnull": True})
            return same_then_rest & tail if tail is not None else Q(pk__in=[])
        before = Q(**{f"{key.field}__isnull": False})
        if tail is None:
            return before
        return before | (Q(**{f"{key.field}__isnull": True}) & tail)
    condition = Q(**{f"{key.field}__{lookup}": value})
    if key.nulls_last and forward:
        condition |= Q(**{f"{key.field}__isnull": True})
    if tail is not None:
        condition |= Q(**{key.field: value}) & tail
    return condition


def keyset_page(
    rows: QuerySet[T], keys: Sequence[Key], *, cursor: str | None, size: int
) -> KeysetPage[T]:
    """One page of `rows` in the order of `keys` (the last of which must be `pk`): the first
    page, or the page after or before the row a cursor names. One query: `size` + 1 rows,
    the extra one telling whether there is a page beyond."""
    if not keys or keys[-1].field != "pk":
        raise ValueError("a keyset's last key must be pk")
    decoded = _decode(rows.model, cursor, keys) if cursor else None
    direction, values = decoded if decoded else ("after", None)
    forward = direction == "after"
    query = rows
    if values is not None:
        query = query.filter(_beyond(keys, values, forward=forward))
    query = query.order_by(*(key.order_by(reverse=not forward) for key in keys))
    fetched = list(query[: size + 1])
    beyond = len(fetched) > size
    fetched = fetched[:size]
    if not forward:
        fetched.reverse()
    page: KeysetPage[T] = KeysetPage(fetched)
    if not fetched:
        return page
    if (forward and beyond) or (not forward and values is not None):
        page.next_cursor = _encode("after", fetched[-1], keys)
    if (not forward and beyond) or (forward and values is not None):
        page.previous_cursor = _encode("before", fetched[0], keys)
    return page
