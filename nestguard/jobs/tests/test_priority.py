"""The worker yields the CPU to the web processes (decision 0135): it lowers its own priority
by NESTGUARD_WORKER_NICE steps of niceness when it starts, so that the reports the pages queue
(and imports, linkage runs) are counted after the pages' requests on the same cores."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import call_command


def _niceness_after(steps: str) -> tuple[int, int]:
    """A fresh process's niceness before and after `yield_cpu`, with the setting from the
    environment as a deployment gives it (a process can never lower its niceness again, so
    not this one)."""
    code = (
        "import os, django; django.setup(); from nestguard.jobs.worker import yield_cpu; "
        "before = os.nice(0); print(before, yield_cpu(), os.nice(0))"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="nestguard.settings.test")
    env["NESTGUARD_WORKER_NICE"] = steps
    done = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    before, returned, after = map(int, done.stdout.split()[-3:])
    assert returned == after
    return before, after


def _room(steps: int) -> None:
    if os.nice(0) + steps > 19:
        pytest.skip(f"already at niceness {os.nice(0)}: no room to lower it by {steps}")


def test_the_worker_lowers_its_priority_by_the_setting() -> None:
    _room(7)
    before, after = _niceness_after("7")
    assert after == before + 7
    before, after = _niceness_after("0")  # 0: as started
    assert after == before


@pytest.mark.django_db
def test_the_worker_command_yields_before_it_runs_anything(settings: Any) -> None:
    """`nestguard worker` (here `--once`) applies the setting itself: the bench, `make demo` and
    a service manager's unit all get the same priority without saying so."""
    settings.NESTGUARD_WORKER_NICE = 1  # one step: this test process keeps it
    _room(1)
    before = os.nice(0)
    call_command("worker", "--once", "--no-schedules", stdout=io.StringIO(), stderr=io.StringIO())
    assert os.nice(0) == before + 1
