"""Who sees training records (decision 0104). A completion is a fact about a member of staff:
they see their own; their agency's supervisors and administrators see their agency's staff's
(they manage them and record them); nobody at another agency sees them. The report counts
completions and active staff across agencies (the `reporting` scope), suppressed as every
report is. Registered with the door from `TrainingConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nestguard.access import door
from nestguard.access.rules import REPORTING
from nestguard.accounts.models import User
from nestguard.training.models import Completion, Course
from nestguard.training.rules import keeps_training


def visible_completions(user: Any) -> QuerySet[Completion]:
    mine = Q(user_id=user.pk)
    if keeps_training(user):
        mine |= Q(user__agency_id=user.agency_id)
    return Completion.objects.filter(mine)


def counted_completions(user: Any) -> QuerySet[Completion]:
    return Completion.objects.all() if REPORTING.allows(user) else Completion.objects.none()


def counted_staff(user: Any) -> QuerySet[User]:
    """The denominators of coverage: every user, counted, never listed."""
    return User.objects.all() if REPORTING.allows(user) else User.objects.none()


def visible_courses(user: Any) -> QuerySet[Course]:
    return Course.objects.all()


def register() -> None:
    door.register(
        door.Policy(
            Completion,
            visible_completions,
            read_event=None,  # read in lists, whose page writes training.view
            list_event="training.view",
            related=("course", "user"),
            scopes={"reporting": door.Scope(counted_completions, read_event=None)},
        )
    )
    door.register(door.Policy(Course, visible_courses, read_event=None))
    door.add_scope(User, "reporting", door.Scope(counted_staff, read_event=None))
