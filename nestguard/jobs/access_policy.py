"""Who sees job runs: administrators see every run; anyone else sees the runs they started
(a linkage reviewer's linkage run). A run holds a job's name, its arguments and a summary,
no personal data, so reading one is not audited. Registered with the door from
`JobsConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.jobs.models import JobRun
from nestguard.jobs.rules import sees_every_run


def visible_runs(user: Any) -> QuerySet[JobRun]:
    if not user or not user.is_authenticated:
        return JobRun.objects.none()
    if sees_every_run(user):
        return JobRun.objects.all()
    return JobRun.objects.filter(started_by=user)


def register() -> None:
    door.register(
        door.Policy(JobRun, visible=visible_runs, read_event=None, related=("started_by",))
    )
