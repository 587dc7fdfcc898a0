"""What a running job tells the admins' page: how far it has got, and that it is alive."""

from __future__ import annotations

import time
import uuid
from datetime import date


class JobProgress:
    """Passed to every job as its first argument. `update` is cheap to call often: it writes
    at most about once a second (and always when the message changes or the work is done)."""

    min_interval = 1.0

    def __init__(self, run_id: uuid.UUID | str | None = None, attempt: int = 0) -> None:
        self.run_id = run_id
        self.attempt = attempt
        self.done: int | None = None
        self.total: int | None = None
        self.message = ""
        self._written_at = 0.0

    def update(
        self, *, done: int | None = None, total: int | None = None, message: str | None = None
    ) -> None:
        changed_message = message is not None and message != self.message
        if done is not None:
            self.done = max(0, int(done))
        if total is not None:
            self.total = max(0, int(total))
        if message is not None:
            self.message = message[:300]
        finished = self.total is not None and self.done is not None and self.done >= self.total
        now = time.monotonic()
        if changed_message or finished or now - self._written_at >= self.min_interval:
            self._written_at = now
            self._write()

    def _write(self) -> None:
        if self.run_id is None:  # a job called directly, e.g. by its management command
            return
        from django.utils import timezone

        from nestguard.jobs.models import JobRun, JobStatus

        JobRun.objects.filter(
            pk=self.run_id, attempts=self.attempt, status=JobStatus.RUNNING
        ).update(
            progress_done=self.done,
            progress_total=self.total,
            progress_message=self.message,
            heartbeat_at=timezone.now(),
        )

    def queued_on(self) -> date:
        """The UK date the run was queued (today for a job called directly). A job about "the
        day" (a weekly drill, say) uses this, so a run queued late on one day and picked up
        after midnight still does that day's work."""
        from django.utils import timezone

        from nestguard.jobs.models import JobRun

        queued_at = None
        if self.run_id is not None:
            queued_at = (
                JobRun.objects.filter(pk=self.run_id).values_list("created_at", flat=True).first()
            )
        return timezone.localdate(queued_at) if queued_at else timezone.localdate()

    @property
    def percent(self) -> int | None:
        if not self.total or self.done is None:
            return None
        return min(100, round(100 * self.done / self.total))
