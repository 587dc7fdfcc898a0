"""Transition alerts on the due-and-overdue view: a child on a case from 17 years and 6
months, for the adult services named on the case (or, none named, its lead agency, who must
name one), due on their 18th birthday, until a transition plan is recorded (decision 0110)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.access.selectors import can_work_cases
from nestguard.cases.models import Case, CaseTeamAgency
from nestguard.childhood import policy
from nestguard.childhood.selectors import (
    Transition,
    load_transitions,
    transition_keys,
    transitions_in_order,
)
from nestguard.core.calendar import UK
from nestguard.core.clocks import NO_DUE_ROWS, DueItem, DueRows, register_clock_source


def _transitions(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    """The agency's alerts: the user's own list and their team's are the same."""
    if not can_work_cases(user):
        return
    link = _transition_link()
    # In due order, a page of links at a time: the view keeps the first of them (decision 0123).
    for due in transitions_in_order(visible(user, Case), timezone.localdate(), told=_told(user)):
        if user.agency_id in due.recipients:
            yield _item(due, link)


def _transition_rows(user: Any, *, team: bool = False, limit: int) -> DueRows:
    """`_transitions` as the due view reads it (decision 0136): the first `limit` alerts' due
    days from the links alone (the same reads and door as `_transitions`, whose `_told` is
    the recipients' test as a condition), and only the page's alerts loaded."""
    if not can_work_cases(user):
        return NO_DUE_ROWS
    today = timezone.localdate()
    keys = transition_keys(visible(user, Case), today, told=_told(user), limit=limit)

    def build(start: int, stop: int) -> list[DueItem]:
        link = _transition_link()
        return [
            _item(due, link)
            for due in load_transitions([key.pk for key in keys[start:stop]], today)
            if user.agency_id in due.recipients
        ]

    return DueRows([_due_at(key.adult_on) for key in keys], build)


def _due_at(adult_on: date) -> datetime:
    return datetime.combine(adult_on, time.min, tzinfo=UK)


def _item(due: Transition, link: Callable[[Any, Any], str]) -> DueItem:
    named = ", ".join(a.name for a in due.adult_agencies)
    return DueItem(
        source="transition",
        title=(
            f"{due.person.display_name} turns 18 on {due.adult_on:%-d %B %Y}: "
            + (f"transition to {named}" if named else "name the adult service on the case")
        ),
        due_at=_due_at(due.adult_on),
        url=link(due.case.pk, due.person.pk),
        owner_label=due.case.reference,
        rule="From 17 years and 6 months; a transition plan before 18",
    )


def _told(user: Any) -> Q:
    """The links whose alerts go to the user's agency (`Transition.recipients`, as a condition
    on case links): an adult service is told of the cases it leads or is on the team of; any
    other agency, of the cases it leads while no adult service is named on them. The clock
    reads only those (decision 0123); the door is asked of each page, and the recipients are
    still tested on each."""
    types = policy.adult_service_types()
    on_team = CaseTeamAgency.objects.filter(case=OuterRef("case_id"))
    agency = user.agency
    if agency is not None and agency.type in types:
        return Q(case__lead_agency_id=agency.pk) | Q(Exists(on_team.filter(agency_id=agency.pk)))
    return Q(case__lead_agency_id=user.agency_id) & ~Q(
        Exists(on_team.filter(agency__type__in=types))
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


register_clock_source(
    "transition",
    "Children becoming adults: transition plans",
    _transitions,
    rows=_transition_rows,
)
