"""The daily chain check and anchor as jobs on the queue (audit.verify_chain,
audit.anchor_chain)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from nestguard.audit.anchors import anchors_read
from nestguard.audit.models import ChainCheck
from nestguard.audit.tests.test_audit_trail import drop_triggers, make_events
from nestguard.jobs import enqueue
from nestguard.jobs.models import JobStatus
from nestguard.jobs.worker import drain

pytestmark = pytest.mark.django_db


def test_the_anchor_and_check_jobs_record_what_the_commands_record(anchor_dir: Path) -> None:
    events = make_events(3)
    anchor = enqueue("audit.anchor_chain")
    check = enqueue("audit.verify_chain")
    assert drain() == 2
    anchor.refresh_from_db()
    check.refresh_from_db()
    assert anchor.status == check.status == JobStatus.SUCCEEDED
    assert anchor.summary == f"Anchored event {events[-1].id}"
    assert [a.event_id for a in anchors_read()] == [events[-1].id]
    recorded = ChainCheck.objects.get()
    assert recorded.intact and recorded.anchors_compared == 1
    assert check.summary == (
        f"Audit chain intact: {recorded.events_checked} events, 1 anchors compared"
    )


def test_a_broken_chain_fails_the_check_at_once_with_where_it_broke() -> None:
    events = make_events(3)
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET purpose = 'edited' WHERE id = %s", [events[1].id]
        )
    run = enqueue("audit.verify_chain")
    assert drain() == 1, "no retry: checking again would find the same break"
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED
    assert run.attempts == 1
    assert run.failure_reason.startswith(f"The audit chain is broken at event {events[1].id}:")
    assert not ChainCheck.objects.get().intact
