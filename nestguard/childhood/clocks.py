"""Transition alerts on the due-and-overdue view: a child on a case from 17 years and 6
months, for the adult services named on the case (or, none named, its lead agency, who must
name one), due on their 18th birthday, until a transition plan is recorded (decision 0110)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
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
    link = _transition_link()
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
            url=link(due.case.pk, due.person.pk),
            owner_label=due.case.reference,
            rule="From 17 years and 6 months; a transition plan before 18",
        )


def _transition_link() -> Callable[[Any, Any], str]:
    """The transition page's address for a case and a person, reversing the URL once for a
    whole list (a long due view reverses each kind of link once: decision 0094)."""
    case_mark, person_mark = uuid.UUID(int=1), uuid.UUID(int=2)
    template = reverse("childhood:transition", args=[case_mark, person_mark])

    def link(case_pk: Any, person_pk: Any) -> str:
        return template.replace(str(case_mark), str(case_pk)).replace(
            str(person_mark), str(person_pk)
        )

    return link


register_clock_source("transition", "Children becoming adults: transition plans", _transitions)
