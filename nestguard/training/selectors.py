"""Reads of the training register, starting from the door."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from nestguard.access.door import visible
from nestguard.accounts.models import User
from nestguard.training.models import Completion, Course


def courses(user: Any) -> list[Course]:
    return list(visible(user, Course).filter(active=True).order_by("name", "pk"))


def agency_staff(user: Any) -> QuerySet[User]:
    """The active staff of the keeper's agency: identity data, read as the access layer's
    own selectors read it (decision 0070: users are not a domain model)."""
    return User.objects.filter(agency_id=user.agency_id, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


@dataclass(frozen=True)
class StaffRow:
    user: User
    completions: tuple[Completion | None, ...]  # the latest per course, in course order


def staff_grid(
    user: Any, staff: QuerySet[User], course_list: Sequence[Course], on: date
) -> list[StaffRow]:
    """Each member of staff with their latest completion of each course (one query)."""
    latest: dict[tuple[Any, Any], Completion] = {}
    records = visible(user, Completion).filter(user__in=staff).order_by("completed_on", "pk")
    for completion in records.select_related("course"):
        latest[(completion.user_id, completion.course_id)] = completion
    return [
        StaffRow(member, tuple(latest.get((member.pk, c.pk)) for c in course_list))
        for member in staff
    ]


@dataclass(frozen=True)
class OwnRow:
    course: Course
    latest: Completion | None
    current: bool


def own_record(mine: list[Completion], course_list: Sequence[Course], on: date) -> list[OwnRow]:
    latest: dict[Any, Completion] = {}
    for completion in sorted(mine, key=lambda c: c.completed_on):
        latest[completion.course_id] = completion
    return [
        OwnRow(c, latest.get(c.pk), bool(latest.get(c.pk) and latest[c.pk].current(on)))
        for c in course_list
    ]
