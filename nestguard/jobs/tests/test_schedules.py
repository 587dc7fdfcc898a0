"""Schedules are data (jobs/data/schedules.json), and the scheduler neither runs a slot twice
nor loses one across restarts. Every moment here is given, never read from the clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from nestguard.jobs.models import JobRun, JobStatus, ScheduleState
from nestguard.jobs.schedules import (
    SCHEDULES_FILE,
    Schedule,
    enqueue_due,
    load_schedules,
    parse_schedules,
    unknown_jobs,
)
from nestguard.jobs.worker import drain


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_schedules_file_is_valid_and_names_only_known_jobs() -> None:
    document = json.loads(SCHEDULES_FILE.read_text(encoding="utf-8"))
    schedules = load_schedules()
    assert schedules, "the nightly rules are scheduled"
    assert unknown_jobs(schedules) == []
    for entry in document["schedules"]:
        assert entry["reason"].strip() and entry["source"].strip(), entry["name"]
    jobs = {s.job for s in schedules}
    assert {"places.repeat_addresses", "panels.schedule_meetings", "audit.verify_chain"} <= jobs


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ({"daily_at": "01:30"}, "01:00-01:59"),
        ({"daily_at": "2:30pm"}, "daily_at is a time"),
        ({"every_minutes": 7}, "must divide a day"),
        ({"daily_at": "02:30", "every_minutes": 60}, "exactly one"),
        ({}, "exactly one"),
        ({"daily_at": "02:30", "when": "nightly"}, "unknown keys"),
    ],
)
def test_a_schedule_that_cannot_be_read_one_way_is_refused(entry, complaint) -> None:  # type: ignore[no-untyped-def]
    document = {
        "source": "test",
        "schedules": [{"name": "s", "job": "selftest.count", "reason": "r", **entry}],
    }
    with pytest.raises(ValueError, match=complaint):
        parse_schedules(document)


def test_two_schedules_may_not_share_a_name() -> None:
    one = {"name": "s", "job": "selftest.count", "reason": "r", "every_minutes": 5}
    with pytest.raises(ValueError, match="share a name"):
        parse_schedules({"source": "test", "schedules": [one, one]})


NIGHTLY = Schedule(name="nightly", job="selftest.count", reason="r", daily_at=time(2, 15))


@pytest.mark.parametrize(
    ("now", "due"),
    [
        # Winter (GMT): 02:15 UK is 02:15 UTC.
        (_utc(2026, 1, 10, 2, 15), _utc(2026, 1, 10, 2, 15)),
        (_utc(2026, 1, 10, 2, 14, 59), _utc(2026, 1, 9, 2, 15)),
        # Summer (BST): 02:15 UK is 01:15 UTC.
        (_utc(2026, 7, 1, 1, 20), _utc(2026, 7, 1, 1, 15)),
        (_utc(2026, 7, 1, 1, 10), _utc(2026, 6, 30, 1, 15)),
        # The night the clocks go forward (29 March 2026, 01:00 GMT becomes 02:00 BST).
        (_utc(2026, 3, 29, 1, 20), _utc(2026, 3, 29, 1, 15)),
        # The night they go back (25 October 2026, 02:00 BST becomes 01:00 GMT).
        (_utc(2026, 10, 25, 2, 20), _utc(2026, 10, 25, 2, 15)),
        # Just before midnight UK time in summer is already the next UTC day.
        (_utc(2026, 7, 1, 23, 30), _utc(2026, 7, 1, 1, 15)),
    ],
)
def test_a_daily_schedule_is_due_at_its_uk_local_time(now: datetime, due: datetime) -> None:
    assert NIGHTLY.latest_due(now) == due


def test_an_every_n_minutes_schedule_is_due_on_the_clock() -> None:
    quarterly = Schedule(name="q", job="selftest.count", reason="r", every_minutes=15)
    assert quarterly.latest_due(_utc(2026, 5, 1, 10, 44, 59)) == _utc(2026, 5, 1, 10, 30)
    assert quarterly.latest_due(_utc(2026, 5, 1, 10, 45)) == _utc(2026, 5, 1, 10, 45)


@pytest.mark.django_db
def test_the_scheduler_enqueues_each_slot_once_and_catches_up_after_a_restart() -> None:
    schedules = [NIGHTLY]
    first_seen = _utc(2026, 1, 10, 12, 0)
    # A schedule seen for the first time starts from its latest slot, without running it.
    assert enqueue_due(now=first_seen, schedules=schedules) == []
    assert ScheduleState.objects.get(name="nightly").last_due_at == _utc(2026, 1, 10, 2, 15)

    # The next night: one run, and asking again (another worker, or after a restart) adds none.
    night = _utc(2026, 1, 11, 2, 15, 30)
    [run] = enqueue_due(now=night, schedules=schedules)
    assert (run.name, run.schedule, run.started_by) == ("selftest.count", "nightly", None)
    assert enqueue_due(now=night, schedules=schedules) == []
    assert enqueue_due(now=night + timedelta(hours=5), schedules=schedules) == []
    assert drain() == 1

    # The worker was down for two nights: when it comes back it runs the schedule once.
    back = _utc(2026, 1, 13, 9, 0)
    [caught_up] = enqueue_due(now=back, schedules=schedules)
    assert enqueue_due(now=back, schedules=schedules) == []
    state = ScheduleState.objects.get(name="nightly")
    assert state.last_due_at == _utc(2026, 1, 13, 2, 15)
    assert state.last_run_id == caught_up.pk
    assert JobRun.objects.filter(schedule="nightly").count() == 2


@pytest.mark.django_db
def test_a_slot_is_skipped_while_the_previous_run_has_not_finished() -> None:
    schedules = [NIGHTLY]
    enqueue_due(now=_utc(2026, 1, 10, 12, 0), schedules=schedules)
    [waiting] = enqueue_due(now=_utc(2026, 1, 11, 3, 0), schedules=schedules)
    assert enqueue_due(now=_utc(2026, 1, 12, 3, 0), schedules=schedules) == []
    assert JobRun.objects.get(pk=waiting.pk).status == JobStatus.QUEUED
    assert JobRun.objects.count() == 1
    drain()
    assert len(enqueue_due(now=_utc(2026, 1, 13, 3, 0), schedules=schedules)) == 1
