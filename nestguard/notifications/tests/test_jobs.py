"""The notification jobs run on the queue: registered, scheduled as data, and an SMTP failure
fails the run with its reason so the queue tries again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from nestguard.jobs import enqueue
from nestguard.jobs.models import JobRun
from nestguard.jobs.schedules import load_schedules, unknown_jobs
from nestguard.jobs.worker import drain
from nestguard.notifications.tests.conftest import NOW, immediate

pytestmark = pytest.mark.django_db


def test_both_jobs_are_scheduled() -> None:
    schedules = {s.job: s for s in load_schedules()}
    assert schedules["notifications.send_due"].every_minutes == 15
    assert schedules["notifications.send_digests"].when == "daily at 07:00 UK time"
    assert unknown_jobs(list(schedules.values())) == []


def test_the_jobs_send_through_the_queue(world, mailbox):  # type: ignore[no-untyped-def]
    immediate(world.personas.partner)
    run = enqueue("notifications.send_due", now=NOW.isoformat())
    drain()
    run.refresh_from_db()
    assert run.status == "succeeded", run.failure_reason
    assert run.summary.startswith("Immediate notifications: 2 emails")
    assert len(mailbox.to("partner@police.example.org")) == 2

    digest = enqueue("notifications.send_digests", now=(NOW + timedelta(hours=22)).isoformat())
    drain()
    digest.refresh_from_db()
    assert digest.status == "succeeded", digest.failure_reason
    assert len(mailbox.to("owner@hub.example.org")) == 1


def test_an_smtp_failure_fails_the_attempt_with_its_reason(world, mailbox):  # type: ignore[no-untyped-def]
    immediate(world.personas.partner)
    mailbox.stop()
    run = enqueue("notifications.send_due", now=NOW.isoformat())
    drain()
    run = JobRun.objects.get(pk=run.pk)
    assert run.status != "succeeded"
    assert "failed and will be retried" in (run.failure_reason or "")
