"""The notification jobs, run by the queue on the schedules of `jobs/data/schedules.json`
(docs/decisions/0085-notifications.md). `now` is for reruns and tests: an ISO 8601 moment
(with its offset); a scheduled run is for the moment it runs."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.notifications.services import (
    NotificationsFailed,
    send_daily_digests,
    send_due_notifications,
)


def _moment(now: str | None) -> datetime:
    if not now:
        return timezone.now()
    moment = datetime.fromisoformat(now)
    if timezone.is_naive(moment):
        raise JobFailed(f"now must carry its UTC offset, not {now!r}")
    return moment


@job(name="notifications.send_due", retries=3, title="Send immediate email notifications")
def send_due(progress: JobProgress, *, now: str | None = None) -> str:
    progress.update(message="Recording what fell due and emailing those who want it at once")
    try:
        return send_due_notifications(now=_moment(now))
    except NotificationsFailed as exc:
        raise JobFailed(str(exc)) from exc


@job(name="notifications.send_digests", retries=3, title="Send the daily email summaries")
def send_digests(progress: JobProgress, *, now: str | None = None) -> str:
    progress.update(message="Emailing each user's daily summary")
    try:
        return send_daily_digests(now=_moment(now))
    except NotificationsFailed as exc:
        raise JobFailed(str(exc)) from exc
