"""Schedules are data (`jobs/data/schedules.json`): which job runs when, and why. A schedule
runs daily at a UK local time or every N minutes.

The worker calls `enqueue_due` every few seconds. For each schedule it works out the latest
time the schedule was due (`latest_due`) and, if that is later than the one it last enqueued
(`ScheduleState.last_due_at`), enqueues one run and moves `last_due_at` forward, in one
transaction and only if `last_due_at` is still what it read. So:

- a worker that was down when a schedule was due enqueues it once when it comes back
  (missed slots are not lost, and several missed slots make one run, not a burst);
- two workers, or a worker restarted mid-tick, never enqueue the same slot twice;
- a schedule seen for the first time starts from its latest slot without running it
  (installing Nestguard does not run every nightly job at once);
- while the previous run of a schedule is still queued or running, a new slot is skipped
  (logged), so a slow job does not pile up behind itself.

Daily times are UK local time (Europe/London) and may not fall between 01:00 and 01:59,
the hour that happens twice or not at all when the clocks change.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from nestguard.jobs import registry
from nestguard.jobs.models import ACTIVE_STATUSES, JobRun, ScheduleState

logger = logging.getLogger("nestguard.jobs")

UK = ZoneInfo("Europe/London")
SCHEDULES_FILE = Path(__file__).resolve().parent / "data" / "schedules.json"


@dataclass(frozen=True)
class Schedule:
    name: str
    job: str
    reason: str
    daily_at: time | None = None
    every_minutes: int | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)

    def latest_due(self, now: datetime) -> datetime:
        """The latest moment at or before `now` when this schedule was due."""
        if self.every_minutes is not None:
            step = self.every_minutes * 60
            return datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=UTC)
        assert self.daily_at is not None
        local_day = now.astimezone(UK).date()
        due = self._at(local_day)
        return due if due <= now else self._at(local_day - timedelta(days=1))

    def _at(self, day: date) -> datetime:
        assert self.daily_at is not None
        return datetime.combine(day, self.daily_at, tzinfo=UK)

    @property
    def when(self) -> str:
        if self.every_minutes is not None:
            return f"every {self.every_minutes} minutes"
        assert self.daily_at is not None
        return f"daily at {self.daily_at:%H:%M} UK time"


def _parse(entry: dict[str, Any]) -> Schedule:
    name = entry.get("name", "")
    where = f"schedule {name!r}"
    if not name or not entry.get("job") or not entry.get("reason"):
        raise ValueError(f"{where}: name, job and reason are required")
    unknown = set(entry) - {
        "name",
        "job",
        "reason",
        "source",
        "daily_at",
        "every_minutes",
        "kwargs",
    }
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if ("daily_at" in entry) == ("every_minutes" in entry):
        raise ValueError(f"{where}: give exactly one of daily_at and every_minutes")
    if "daily_at" in entry:
        try:
            at = time.fromisoformat(entry["daily_at"])
        except (TypeError, ValueError):
            raise ValueError(f"{where}: daily_at is a time like '02:30'") from None
        if at.hour == 1 or at.second or at.microsecond:
            raise ValueError(
                f"{where}: daily_at must be HH:MM outside 01:00-01:59 (the hour the clocks change)"
            )
        return Schedule(
            name=name,
            job=entry["job"],
            reason=entry["reason"],
            daily_at=at,
            kwargs=entry.get("kwargs", {}),
        )
    minutes = entry["every_minutes"]
    if not isinstance(minutes, int) or minutes < 1 or 1440 % minutes:
        raise ValueError(f"{where}: every_minutes must divide a day (1, 5, 15, 60, 1440, ...)")
    return Schedule(
        name=name,
        job=entry["job"],
        reason=entry["reason"],
        every_minutes=minutes,
        kwargs=entry.get("kwargs", {}),
    )


def parse_schedules(document: dict[str, Any]) -> list[Schedule]:
    if not document.get("source"):
        raise ValueError("schedules.json needs a source")
    schedules = [_parse(entry) for entry in document.get("schedules", [])]
    names = [s.name for s in schedules]
    if len(names) != len(set(names)):
        raise ValueError("two schedules share a name")
    return schedules


@cache
def load_schedules(path: Path = SCHEDULES_FILE) -> tuple[Schedule, ...]:
    return tuple(parse_schedules(json.loads(path.read_text(encoding="utf-8"))))


def unknown_jobs(schedules: tuple[Schedule, ...] | list[Schedule]) -> list[str]:
    """Schedules whose job no app declares (the data test checks there are none)."""
    known = {spec.name for spec in registry.all_jobs()}
    return [s.name for s in schedules if s.job not in known]


def enqueue_due(
    *, now: datetime | None = None, schedules: tuple[Schedule, ...] | list[Schedule] | None = None
) -> list[JobRun]:
    """Enqueue one run of each schedule that has become due since it last enqueued one."""
    now = now or timezone.now()
    queued: list[JobRun] = []
    for schedule in load_schedules() if schedules is None else schedules:
        due = schedule.latest_due(now)
        try:
            run = _enqueue_if_due(schedule, due, now)
        except IntegrityError:  # another worker saw this schedule first at the same moment
            continue
        if run is not None:
            queued.append(run)
    return queued


def _enqueue_if_due(schedule: Schedule, due: datetime, now: datetime) -> JobRun | None:
    with transaction.atomic():
        state = ScheduleState.objects.select_for_update().filter(name=schedule.name).first()
        if state is None:
            ScheduleState.objects.create(name=schedule.name, last_due_at=due)
            return None
        if state.last_due_at >= due:
            return None
        moved = ScheduleState.objects.filter(
            name=schedule.name, last_due_at=state.last_due_at
        ).update(last_due_at=due)
        if not moved:  # another worker enqueued this slot
            return None
        if (
            state.last_run_id is not None
            and JobRun.objects.filter(pk=state.last_run_id, status__in=ACTIVE_STATUSES).exists()
        ):
            logger.warning(
                "Schedule %s due at %s skipped: its previous run %s has not finished",
                schedule.name,
                due,
                state.last_run_id,
            )
            return None
        from nestguard.jobs.services import run_enqueue

        run = run_enqueue(name=schedule.job, schedule=schedule.name, kwargs=schedule.kwargs)
        ScheduleState.objects.filter(name=schedule.name).update(last_run=run, last_enqueued_at=now)
        return run
