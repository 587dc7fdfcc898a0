"""The enforcement clocks in the partnership's "due and overdue" registry (core.clocks).

For a user: the open deadlines of the steps they recorded; for their team (team=True): every
open deadline they may see. Overdue ones (a hearing deadline passed with no hearing recorded)
and those falling due within the week, each with the rule and its legal source.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.core.clocks import DueItem, register_clock_source
from nestguard.core.links import reverser
from nestguard.enforcement import selectors


def _enforcement_items(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    rows = selectors.deadlines_due(user)
    link = reverser("enforcement:address")
    for deadline in [*rows.overdue, *rows.due]:
        action = deadline.action
        if not team and action.recorded_by_id != getattr(user, "pk", None):
            continue
        yield DueItem(
            source="enforcement",
            title=f"{deadline.label}: {action.reference} at {action.address.one_line}",
            due_at=deadline.due_at,
            url=link(action.address_id),
            owner_label=str(action.agency),
            rule=f"{deadline.rule} ({deadline.source_citation})",
        )


register_clock_source("enforcement", "Enforcement deadlines", _enforcement_items)
