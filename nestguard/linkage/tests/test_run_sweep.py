"""A linkage run whose process died is marked failed, with the reason, by the next start or
`nestguard link`: from its pid when it ran on this machine, from its heartbeat when not
(decision 0087). The end-to-end test, with a real process killed mid-run, is in
tests/test_faults_kill.py; these pin each rule on its own."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.linkage.models import LinkageRun
from nestguard.linkage.services.runs import (
    SILENT_FOR_AT_MOST,
    linkage_run_start,
    linkage_runs_sweep,
)

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running(*, pid: int, host: str, beat_ago: dt.timedelta = dt.timedelta()) -> LinkageRun:
    run = LinkageRun.objects.create()
    beat = timezone.now() - beat_ago
    LinkageRun.objects.filter(pk=run.pk).update(
        status=LinkageRun.Status.RUNNING,
        started_at=beat,
        pid=pid,
        host=host,
        heartbeat_at=beat,
        updated_at=beat,
    )
    run.refresh_from_db()
    return run


def test_a_run_whose_process_is_gone_from_this_machine_is_marked_failed_at_once() -> None:
    pid = _dead_pid()
    run = _running(pid=pid, host=socket.gethostname())

    assert [r.pk for r in linkage_runs_sweep()] == [run.pk]
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.FAILED and run.finished_at is not None
    assert run.error.startswith(
        f"The process stopped during the run (pid {pid} on {socket.gethostname()}, last heartbeat "
    )
    event = AuditEvent.objects.get(action="linkage.run_stopped")
    assert event.details["pid"] == pid and event.details["reason"] == run.error


def test_a_run_whose_process_lives_and_beats_is_left_alone() -> None:
    run = _running(pid=os.getpid(), host=socket.gethostname())
    elsewhere = _running(pid=_dead_pid(), host="another-machine", beat_ago=dt.timedelta(minutes=1))

    assert linkage_runs_sweep() == []
    for r in (run, elsewhere):  # a pid on another machine says nothing here
        r.refresh_from_db()
        assert r.status == LinkageRun.Status.RUNNING


def test_a_run_on_another_machine_that_stopped_beating_is_marked_failed() -> None:
    run = _running(
        pid=1234, host="another-machine", beat_ago=SILENT_FOR_AT_MOST + dt.timedelta(seconds=1)
    )
    linkage_runs_sweep()
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.FAILED
    assert "stopped reporting during the run (pid 1234 on another-machine" in run.error


def test_a_finished_run_is_never_marked() -> None:
    run = _running(pid=_dead_pid(), host=socket.gethostname())
    LinkageRun.objects.filter(pk=run.pk).update(status=LinkageRun.Status.SUCCEEDED)
    assert linkage_runs_sweep() == []
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.SUCCEEDED and run.error == ""


def test_a_dead_run_no_longer_blocks_a_new_one_and_the_command_says_so() -> None:
    dead = _running(pid=_dead_pid(), host=socket.gethostname())
    fresh = linkage_run_start(actor=None)  # refused while `dead` counted as running
    dead.refresh_from_db()
    assert dead.status == LinkageRun.Status.FAILED
    assert fresh.status == LinkageRun.Status.QUEUED

    LinkageRun.objects.filter(pk=fresh.pk).delete()
    again = _running(pid=_dead_pid(), host=socket.gethostname())
    err = StringIO()
    call_command("link", "--queued", stdout=StringIO(), stderr=err)  # none queued
    assert f"Run {again.pk} marked failed: The process stopped during the run" in err.getvalue()
