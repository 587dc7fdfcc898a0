"""Coverage: current (unexpired) completions over active staff in scope, per course, for each
agency and each team, against the course's target (decision 0104).

Staff in scope are the active users of active agencies, every role: the St Helens review
asks for training for all staff who meet young people, and the system cannot tell who does.
A person counts once per course however many times they completed it. Two grouped queries
per grouping (staff, trained), whatever the number of staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from nestguard.training.models import Completion, Course


@dataclass(frozen=True)
class Coverage:
    group: str  # an agency, or "Team (agency)"
    course: Course
    staff: int
    trained: int

    @property
    def percent(self) -> int:
        return round(100 * self.trained / self.staff) if self.staff else 0

    @property
    def meets_target(self) -> bool:
        return self.staff > 0 and self.percent >= self.course.target_percent


def _in_scope(users: QuerySet[Any]) -> QuerySet[Any]:
    return users.filter(is_active=True, agency__active=True)


def _current(completions: QuerySet[Completion], on: date) -> QuerySet[Completion]:
    return completions.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on),
        completed_on__lte=on,
        user__is_active=True,
        user__agency__active=True,
    )


def coverage(
    users: QuerySet[Any],
    completions: QuerySet[Completion],
    courses: list[Course],
    on: date,
    *,
    by: str = "agency",
) -> list[Coverage]:
    """Coverage rows by "agency" or "team", for each course."""
    user_key: tuple[str, ...]
    completion_key: tuple[str, ...]
    if by == "agency":
        user_key, completion_key = ("agency__name",), ("user__agency__name",)
    else:
        user_key = ("teams__name", "teams__agency__name")
        completion_key = ("user__teams__name", "user__teams__agency__name")
    staff_counts = {
        tuple(row[k] for k in user_key): row["n"]
        for row in _in_scope(users).values(*user_key).annotate(n=Count("pk", distinct=True))
        if row[user_key[0]] is not None
    }
    trained = {
        (tuple(row[k] for k in completion_key), row["course_id"]): row["n"]
        for row in _current(completions, on)
        .values(*completion_key, "course_id")
        .annotate(n=Count("user_id", distinct=True))
    }
    rows = []
    for key in sorted(staff_counts):
        label = key[0] if by == "agency" else f"{key[0]} ({key[1]})"
        for course in courses:
            rows.append(
                Coverage(label, course, staff_counts[key], trained.get((key, course.pk), 0))
            )
    return rows
