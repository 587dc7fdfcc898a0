"""Transition alerts on the due-and-overdue view: a child on a case from 17 years and 6
months, for the adult services named on the case (or, none named, its lead agency, who must
name one), due on their 18th birthday, until a transition plan is recorded (decision 0110)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.access.selectors import can_work_cases
from nestguard.cases.models import Case, CaseTeamAgency
from nestguard.childhood import policy
from nestguard.childhood.selectors import transitions
from nestguard.core.calendar import UK
from nestguard.core.clocks import DueItem, register_clock_source


def _transitions(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    """The agency's alerts: the user's own list and their team's are the same."""
    if not can_work_cases(user):
        return
    adult_team = Exists(
        CaseTeamAgency.objects.filter(
            case=OuterRef("pk"),
            agency_id=user.agency_id,
            agency__type__in=policy.adult_service_types(),
        )
    )
    cases = visible(user, Case).filter(Q(lead_agency_id=user.agency_id) | Q(adult_team))
    for due in transitions(cases, timezone.localdate()):
        if user.agency_id not in due.recipients:
            continue
        named = ", ".join(a.name for a in due.adult_agencies)
        yield DueItem(
            source="transition",
            title=(
                f"{due.person.display_name} turns 18 on {due.adult_on:%-d %B %Y}: "
                + (f"transition to {named}" if named else "name the adult service on the case")
            ),
            due_at=datetime.combine(due.adult_on, time.min, tzinfo=UK),
            url=reverse("childhood:transition", args=[due.case.pk, due.person.pk]),
            owner_label=due.case.reference,
            rule="From 17 years and 6 months; a transition plan before 18",
        )


register_clock_source("transition", "Children becoming adults: transition plans", _transitions)
