"""Query shapes that keep a page's cost to the rows it shows (docs/decisions/0081).

`field IN (SELECT pk FROM <every record the user may see>)` makes the database build the whole
list first: at a borough's size tens of thousands of cases for a hub caseworker, on every
request, whatever the page shows. `one_of` asks the same question row by row instead, with a
correlated EXISTS on the record's key, so that the cost follows the rows the rest of the query
has already narrowed to (the planner can still turn it into a join where that is cheaper).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet


def one_of(records: QuerySet[Any], field: str = "pk") -> Exists | Q:
    """True where the outer row's `field` (a key or a foreign key) is one of `records`:
    `Model.objects.filter(one_of(visible_cases(user), "case"))` reads as
    `filter(case__in=visible_cases(user))`. A null `field` is one of nothing. One of no
    records (`Model.objects.none()`) is a condition Django leaves out of an OR altogether,
    rather than a subquery that reads nothing row by row."""
    if records.query.is_empty():
        return Q(pk__in=[])
    return Exists(records.filter(pk=OuterRef(field)))
