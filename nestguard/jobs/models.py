"""A run of a job (what admins see) and when each schedule last enqueued one.

Each attempt of a run is one django-tasks result (`django_tasks_db.DBTaskResult`), which the
worker claims under a row lock; `task_result` is the current attempt's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_tasks_db.models import DBTaskResult

from nestguard.core.models import BaseModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Waiting to retry"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING)


class JobRun(BaseModel):
    """One request to run a job: queued by a person, a schedule or the system.

    `created_at` is when it was queued; `started_at` when its first attempt began.
    """

    name = models.CharField(max_length=100, db_index=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # The job's name and arguments as one hash (`services.dedupe_key`): `enqueue_once` finds
    # a waiting run with the same by one index lookup (decision 0142).
    dedupe_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_runs",
    )
    schedule = models.CharField(
        max_length=100, blank=True, help_text="The schedule that queued it, if one did"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=1)
    progress_done = models.PositiveIntegerField(null=True, blank=True)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    progress_message = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    failure_reason = models.TextField(
        blank=True, help_text="Why the last attempt failed, in a sentence (no stack trace)"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    task_result = models.ForeignKey(
        DBTaskResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="jobrun_status_heartbeat"),
            models.Index(fields=["started_by", "-created_at"], name="jobrun_starter_created"),
            models.Index(fields=["dedupe_key", "status"], name="jobrun_dedupe_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total or self.progress_done is None:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ScheduleState(models.Model):
    """When a schedule last enqueued its job: the scheduler enqueues the job and moves
    `last_due_at` forward in one transaction, and only if `last_due_at` is still what it read,
    so two workers or a restart neither run a slot twice nor lose one."""

    name = models.CharField(max_length=100, primary_key=True)
    last_due_at = models.DateTimeField(help_text="The latest due time already enqueued")
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_run = models.ForeignKey(
        JobRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.name} last due {self.last_due_at:%Y-%m-%d %H:%M}"
