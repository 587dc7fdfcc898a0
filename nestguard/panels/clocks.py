"""Panel actions in the "due and overdue" view (nestguard.core.clocks).

For a user: the open actions they own. For their team: the open actions addressed to their
agency. Due at the end of the due date, UK time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from nestguard.core.calendar import UK
from nestguard.core.clocks import DueItem, register_clock_source
from nestguard.core.links import reverser
from nestguard.panels import selectors
from nestguard.panels.models import OPEN_ACTION_STATUSES


def panel_action_items(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    actions = selectors.visible_actions(user).filter(status__in=OPEN_ACTION_STATUSES)
    actions = actions.filter(owner_agency_id=user.agency_id) if team else actions.filter(owner=user)
    link = reverser("panels:action")
    for action in actions.select_related("panel", "owner", "owner_agency").order_by("due_on"):
        # Due by the end of the due date: the first moment of the next day, UK time.
        due_at = datetime.combine(action.due_on + timedelta(days=1), time.min, tzinfo=UK)
        owner = (
            f"{action.owner} ({action.owner_agency})" if action.owner else str(action.owner_agency)
        )
        yield DueItem(
            source="panel_action",
            title=f"{action.reference} ({action.panel}): {action.description}"[:200],
            due_at=due_at,
            url=link(action.pk),
            owner_label=owner,
            rule="Due date set by the panel",
        )


register_clock_source("panel_action", "Panel actions", panel_action_items)
