"""Backups and restore drills as jobs of the queue (scheduled in
nestguard/jobs/data/schedules.json): the same functions the commands call."""

from __future__ import annotations

from typing import Any

from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.operations.backup import BackupError
from nestguard.operations.drill import restore_drill_run
from nestguard.operations.services import backup_make, backups_rotate

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@job(name="operations.backup", retries=2)
def backup(progress: JobProgress, **kwargs: Any) -> str:
    """Back the database up to a new dated file in the backup folder."""
    progress.update(done=0, total=1, message="Backing up the database")
    try:
        path, manifest = backup_make()
    except BackupError as exc:
        raise JobFailed(str(exc)) from exc
    expired = backups_rotate()
    progress.update(done=1, total=1, message="Backed up")
    return (
        f"Backed up {len(manifest.tables)} tables ({sum(manifest.tables.values())} rows) "
        f"to {path.name}, {manifest.size} bytes"
        + (f"; {len(expired)} backups past their period deleted" if expired else "")
    )


@job(name="operations.restore_drill", retries=0)
def restore_drill(progress: JobProgress, *, weekday: str = "", **kwargs: Any) -> str:
    """Restore the newest backup into a scratch database and check it.

    `weekday` (e.g. "Sunday") runs the drill on that day of the week only, so a daily
    schedule drills weekly; the day is the one the run was queued on, not the day a worker
    picks it up. A drill that fails is recorded, then fails the job with what
    differed (no retry: the next drill is the next scheduled one).
    """
    if weekday and weekday not in WEEKDAYS:
        raise JobFailed(f"weekday must be one of {', '.join(WEEKDAYS)}, not {weekday!r}")
    today = WEEKDAYS[progress.queued_on().weekday()]
    if weekday and today != weekday:
        return f"Not run: the drill runs on {weekday}s, and today is {today}"
    progress.update(done=0, total=1, message="Restoring the newest backup into a scratch database")
    drill = restore_drill_run()
    progress.update(done=1, total=1, message="Drill finished")
    if not drill.passed:
        raise JobFailed(
            f"Restore drill of {drill.backup_name or 'no backup'} failed: "
            + "; ".join(drill.differences)
        )
    return (
        f"Restore drill passed: {drill.backup_name}, {drill.tables_compared} tables match, "
        f"{drill.events_verified} audit events verify"
    )
