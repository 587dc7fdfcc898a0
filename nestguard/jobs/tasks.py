"""The one django-tasks task of the queue: run an attempt of a job run.

Every job is run through this task, so an attempt's row in the queue holds only the run's
key; the job's name and arguments live on the run, where admins see them.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django_tasks import task

from nestguard.jobs import JobFailed, registry, services
from nestguard.jobs.models import JobRun, JobStatus
from nestguard.jobs.progress import JobProgress

logger = logging.getLogger("nestguard.jobs")


def failure_reason(exc: BaseException) -> str:
    """A plain sentence for the admins' page; the stack trace goes to the log only."""
    if isinstance(exc, JobFailed):
        return str(exc) or "The job reported a failure."
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)[:500]
    first_line = (str(exc).strip().splitlines() or [""])[0][:300]
    kind = type(exc).__name__
    if first_line:
        return f"The job stopped with an error ({kind}): {first_line}"
    return f"The job stopped with an error ({kind})."


class _Heartbeat:
    """Writes the run's heartbeat from a thread of its own while the attempt runs, so a long
    step without progress updates is not taken for a lost worker."""

    def __init__(self, run_id: Any, attempt: int) -> None:
        self.run_id = run_id
        self.attempt = attempt
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.NESTGUARD_JOBS_HEARTBEAT_SECONDS):
                try:
                    services.heartbeat(run_id=self.run_id, attempt=self.attempt)
                except OperationalError:  # SQLite busy with the job's own writes: next time
                    logger.info("Heartbeat of job run %s skipped (database busy)", self.run_id)
        finally:
            connection.close()


# The worker sets this when it runs attempts (`nestguard worker`); the tests' synchronous
# runs leave it off, as their database is inside a test transaction.
HEARTBEAT_THREAD = threading.local()


@task()
def run_job(run_id: str) -> str:
    run = JobRun.objects.get(pk=run_id)
    if run.status != JobStatus.RUNNING:
        raise RuntimeError(f"Job run {run_id} is {run.status}, not claimed by a worker")
    attempt = run.attempts
    progress = JobProgress(run.pk, attempt)
    try:
        spec = registry.get(run.name)
    except LookupError:
        reason = f"No job called {run.name!r} is known to this version of Nestguard."
        services.run_fail_attempt(run=run, attempt=attempt, reason=reason)
        raise
    try:
        if getattr(HEARTBEAT_THREAD, "on", False):
            with _Heartbeat(run.pk, attempt):
                result = spec.func(progress, **run.kwargs)
        else:
            result = spec.func(progress, **run.kwargs)
    except Exception as exc:
        logger.exception("Job run %s (%s) attempt %s failed", run.pk, run.name, attempt)
        services.run_fail_attempt(run=run, attempt=attempt, reason=failure_reason(exc))
        raise
    summary = "" if result is None else str(result)
    services.run_succeed(run=run, attempt=attempt, summary=summary)
    return summary
