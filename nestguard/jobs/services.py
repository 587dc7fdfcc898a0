"""Every write to job runs: queueing, the start and end of each attempt, retries with
exponential backoff, and the run that lost its worker.

An attempt is one django-tasks result of the task `nestguard.jobs.tasks.run_job`; the worker
claims it and marks the run running in one transaction (`run_claim`), so a run is never
running without an attempt nor an attempt without its run.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from nestguard.audit.services import audit_record
from nestguard.jobs import registry
from nestguard.jobs.models import JobRun, JobStatus

if TYPE_CHECKING:
    from nestguard.accounts.models import User

logger = logging.getLogger("nestguard.jobs")

RUN_JOB_TASK = "nestguard.jobs.tasks.run_job"
WORKER_LOST = "The worker running this job stopped before it finished (it may have been restarted)."


def _attempt_enqueue(run: JobRun, *, run_after: datetime | None = None) -> DBTaskResult:
    from nestguard.jobs.tasks import run_job

    task = run_job.using(run_after=run_after) if run_after is not None else run_job
    result = task.enqueue(run_id=str(run.pk))
    return result.db_result  # type: ignore[attr-defined, no-any-return]


def dedupe_key(name: str, kwargs: dict[str, Any]) -> str:
    """The job's name and its arguments (as JSON, keys sorted at every level) as one hash:
    what `run_enqueue_once` looks a waiting run up by (decision 0142)."""
    canonical = json.dumps([name, kwargs], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_enqueue(
    *,
    name: str,
    started_by: User | None = None,
    kwargs: dict[str, Any] | None = None,
    schedule: str = "",
) -> JobRun:
    """Queue a run of the job `name` (LookupError if there is none; TypeError if the
    arguments are not JSON)."""
    spec = registry.get(name)
    kwargs = kwargs or {}
    try:
        kwargs = json.loads(json.dumps(kwargs))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"The arguments of job {name!r} must be JSON-serialisable: {exc}") from exc
    run = JobRun(
        name=spec.name,
        kwargs=kwargs,
        dedupe_key=dedupe_key(spec.name, kwargs),
        started_by=started_by,
        schedule=schedule,
        max_attempts=spec.max_attempts,
    )
    # The run's key is made here (a UUID), so its first attempt is queued first and the run
    # inserted with it: two inserts, no update (decision 0142). Both or neither are kept.
    with transaction.atomic():
        run.task_result = _attempt_enqueue(run)
        run.save(force_insert=True)
    return run


def run_enqueue_once(
    *, name: str, started_by: User | None = None, kwargs: dict[str, Any] | None = None
) -> JobRun:
    """A waiting run of `name` with these arguments, or a new one (see `enqueue_once`).

    Found by the hash of the name and arguments (`dedupe_key`, indexed with the status): one
    index lookup however long the queue (decision 0142; under the web bench thousands of
    reports asked for new periods wait). The runs found are still compared whole, so a
    collision of the hash could only make a new run, never reuse a wrong one."""
    spec = registry.get(name)
    wanted = json.loads(json.dumps(kwargs or {}, default=str))
    waiting = JobRun.objects.filter(
        dedupe_key=dedupe_key(spec.name, wanted),
        status__in=(JobStatus.QUEUED, JobStatus.RETRYING),
    ).order_by("created_at")
    for run in waiting:
        if run.name == spec.name and run.kwargs == wanted:
            return run
    return run_enqueue(name=name, started_by=started_by, kwargs=kwargs)


def job_start(*, actor: User, name: str) -> JobRun:
    """An administrator starts a job by hand from the jobs page (only jobs marked `manual`)."""
    try:
        spec = registry.get(name)
    except LookupError:
        spec = None
    if spec is None or not spec.manual:
        raise ValidationError({"name": "Choose a job that can be started by hand"})
    with transaction.atomic():
        run = run_enqueue(name=spec.name, started_by=actor)
        audit_record(
            actor=actor,
            action="job.start",
            obj=run,
            object_label=spec.title,
            details={"job": spec.name},
        )
    return run


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next attempt after `attempts` failed ones: the base
    doubled for each failure after the first, capped."""
    base = settings.NESTGUARD_JOBS_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(0, attempts - 1), settings.NESTGUARD_JOBS_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def run_claim(db_result: DBTaskResult, *, worker_id: str) -> None:
    """Inside the worker's claiming transaction: the run of this attempt starts running."""
    if db_result.task_path != RUN_JOB_TASK:
        return
    now = timezone.now()
    run_id = db_result.args_kwargs.get("kwargs", {}).get("run_id")
    run = JobRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.status not in (JobStatus.QUEUED, JobStatus.RETRYING):
        return  # not the run's current attempt: `run_job` refuses it, the run is untouched
    if run.task_result_id is not None and run.task_result_id != db_result.pk:
        return
    run.status = JobStatus.RUNNING
    run.attempts += 1
    run.started_at = run.started_at or now
    run.heartbeat_at = now
    run.next_attempt_at = None
    run.worker_id = worker_id[:64]
    run.task_result = db_result
    run.save(
        update_fields=[
            "status",
            "attempts",
            "started_at",
            "heartbeat_at",
            "next_attempt_at",
            "worker_id",
            "task_result",
            "updated_at",
        ]
    )


def run_succeed(*, run: JobRun, attempt: int, summary: str) -> bool:
    """The attempt finished: the run succeeded, unless it was meanwhile given up as lost."""
    now = timezone.now()
    updated = JobRun.objects.filter(pk=run.pk, attempts=attempt, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED,
        summary=summary[:2000],
        failure_reason="",
        finished_at=now,
        heartbeat_at=now,
        updated_at=now,
    )
    return bool(updated)


def _attempt_failed(run: JobRun, *, reason: str, now: datetime, final: bool = False) -> None:
    """After a failed or lost attempt (inside a transaction holding the run): try again after
    the backoff if attempts remain (and the failure is not `final`), else the run has failed
    with `reason`."""
    run.failure_reason = reason
    run.heartbeat_at = None
    if run.attempts < run.max_attempts and not final:
        run.status = JobStatus.RETRYING
        run.next_attempt_at = now + retry_delay(run.attempts)
        run.task_result = _attempt_enqueue(run, run_after=run.next_attempt_at)
    else:
        run.status = JobStatus.FAILED
        run.finished_at = now
        run.next_attempt_at = None
    run.save(
        update_fields=[
            "status",
            "failure_reason",
            "heartbeat_at",
            "next_attempt_at",
            "finished_at",
            "task_result",
            "updated_at",
        ]
    )


def run_fail_attempt(*, run: JobRun, attempt: int, reason: str, final: bool = False) -> bool:
    """The attempt raised: retry later or fail the run. False if the attempt was no longer
    the run's current one (given up as lost meanwhile)."""
    with transaction.atomic():
        current = (
            JobRun.objects.select_for_update()
            .filter(pk=run.pk, attempts=attempt, status=JobStatus.RUNNING)
            .first()
        )
        if current is None:
            return False
        _attempt_failed(current, reason=reason, now=timezone.now(), final=final)
    return True


def runs_recover_lost(*, now: datetime | None = None) -> int:
    """Runs whose worker stopped sending heartbeats (killed, machine lost): their attempt is
    failed as lost, and the run is tried again or, after its last attempt, failed.
    Returns how many runs were recovered."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.NESTGUARD_JOBS_HEARTBEAT_TIMEOUT_SECONDS)
    lost = list(
        JobRun.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    recovered = 0
    for run_id in lost:
        with transaction.atomic():
            run = (
                JobRun.objects.select_for_update()
                .filter(pk=run_id, status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
                .first()
            )
            if run is None:
                continue
            logger.warning(
                "Job run %s (%s) lost its worker %s at attempt %s; no heartbeat since %s",
                run.pk,
                run.name,
                run.worker_id,
                run.attempts,
                run.heartbeat_at,
            )
            if run.task_result_id is not None:
                DBTaskResult.objects.filter(
                    pk=run.task_result_id, status=TaskResultStatus.RUNNING
                ).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path="nestguard.jobs.worker.WorkerLost",
                    traceback=f"No heartbeat from worker {run.worker_id} since {run.heartbeat_at}",
                )
            _attempt_failed(run, reason=WORKER_LOST, now=now)
            recovered += 1
    return recovered


def heartbeat(*, run_id: Any, attempt: int) -> None:
    JobRun.objects.filter(pk=run_id, attempts=attempt, status=JobStatus.RUNNING).update(
        heartbeat_at=timezone.now()
    )
