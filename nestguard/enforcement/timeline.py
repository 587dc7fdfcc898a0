"""The enforcement record in the places app's extension points (`nestguard.places.registry`):

- the address page's timeline shows the steps at the address the viewer may see, each with
  its legal basis and, while one is open, its next deadline;
- the displacement rule asks which addresses are under enforcement: those with an order or
  injunction in force, or any step within the policy window (ladder data, `under_enforcement`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from nestguard.enforcement import selectors
from nestguard.enforcement.ladder import ladder
from nestguard.enforcement.models import EnforcementAction
from nestguard.enforcement.periods import add_calendar_months


def _entries(user: Any, address: Any) -> Iterator[Any]:
    from nestguard.places.registry import TimelineEntry

    rules = ladder()
    now = timezone.now()
    url = reverse("enforcement:address", args=[address.pk])
    for action in selectors.actions_at(user, address):
        step = rules.steps.get(action.step)
        label = step.label if step else action.step
        detail = [f"By {action.agency}"]
        if action.person_id:
            detail.append(f"to {action.person}")
        if step:
            detail.append(f"({step.source.citation})")
        if action.scope == "part":
            detail.append(f"covering part of the premises: {action.part_description}")
        open_deadlines = [d for d in action.deadlines.all() if d.met_at is None and d.due_at >= now]
        overdue = [
            d
            for d in action.deadlines.all()
            if d.met_at is None and d.due_at < now and d.on_passing == "overdue"
        ]
        tag, colour = "", ""
        if overdue:
            tag, colour = f"{overdue[0].label}: overdue", "red"
        elif open_deadlines:
            first = open_deadlines[0]
            tag, colour = (
                f"{first.label} {timezone.localtime(first.due_at):%-d %b %Y %H:%M}",
                "yellow",
            )
        yield TimelineEntry(
            source="enforcement",
            when=action.taken_at,
            title=f"{label} {action.reference}",
            detail=" ".join(detail),
            url=f"{url}#step-{action.reference}",
            tag=tag,
            tag_colour=colour,
        )


def under_enforcement(address_ids: Collection[Any]) -> set[Any]:
    now = timezone.now()
    window = ladder().under_enforcement.months
    since = add_calendar_months(now, -window)
    discharged = Q(children__step="closure_order_discharge") | Q(
        parent__children__step="closure_order_discharge"
    )
    in_force = Q(ends_at__gt=now) & ~discharged
    rows = EnforcementAction.objects.filter(address_id__in=list(address_ids)).filter(
        Q(taken_at__gte=since) | in_force
    )
    return set(rows.values_list("address_id", flat=True))


def register() -> None:
    try:
        from nestguard.places.registry import register_enforcement_check, register_timeline_source
    except ImportError:  # a deployment without the places extension points
        return
    register_timeline_source("enforcement", "Enforcement", _entries)
    register_enforcement_check(under_enforcement)


register()
