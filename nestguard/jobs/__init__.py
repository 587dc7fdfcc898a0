"""The job queue: work that runs outside web requests, survives restarts, retries with
backoff and shows its progress to administrators (docs/decisions/0080-job-queue.md).

    from nestguard.jobs import job, enqueue, JobProgress

    @job(name="places.repeat_addresses", retries=3)     # in <app>/jobs.py
    def repeat_addresses(progress: JobProgress, **kwargs) -> str:
        progress.update(done=10, total=100, message="...")
        return "summary line shown to admins"

    run = enqueue("places.repeat_addresses", started_by=user_or_None, **kwargs)

`nestguard worker` runs the queued jobs and enqueues the schedules of
`nestguard/jobs/data/schedules.json` when they are due.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nestguard.jobs.progress import JobProgress
from nestguard.jobs.registry import job

if TYPE_CHECKING:
    from nestguard.accounts.models import User
    from nestguard.jobs.models import JobRun

__all__ = ["JobFailed", "JobProgress", "enqueue", "job"]


class JobFailed(Exception):
    """Raise with a plain sentence to fail a job attempt with that sentence as its reason
    (any other exception is reported by its class and first line; the trace is logged)."""


def enqueue(name: str, *, started_by: User | None = None, **kwargs: Any) -> JobRun:
    """Queue the job `name` with these keyword arguments (JSON-serialisable) and return its
    run. Inside a transaction the job is queued only if the transaction commits."""
    from nestguard.jobs.services import run_enqueue

    return run_enqueue(name=name, started_by=started_by, kwargs=kwargs)
