"""A weekly drill is about the day it was queued for, not the day a worker picks it up: a run
queued at 04:45 on a Sunday and reached after midnight still drills (and one queued on a
Saturday does not drill on the Sunday it is reached)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nestguard.jobs import enqueue
from nestguard.jobs.models import JobRun, JobStatus
from nestguard.jobs.worker import drain
from nestguard.operations.jobs import WEEKDAYS

pytestmark = pytest.mark.django_db


def test_the_drill_keeps_the_day_it_was_queued_for(clock) -> None:  # type: ignore[no-untyped-def]
    queued_day = WEEKDAYS[timezone.localdate().weekday()]
    next_day = WEEKDAYS[(timezone.localdate().weekday() + 1) % 7]
    run = enqueue("operations.restore_drill", weekday=next_day)

    clock.shift(dt.timedelta(days=1))  # the worker reaches it the next day: the drill's weekday
    drain()

    run = JobRun.objects.get(pk=run.pk)
    assert run.status == JobStatus.SUCCEEDED, run.failure_reason
    assert run.summary == f"Not run: the drill runs on {next_day}s, and today is {queued_day}"
