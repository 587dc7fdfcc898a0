"""Jobs the queue's own tests run (registered through NESTGUARD_JOB_MODULES in the test
settings only). Each stands for a kind of real job: one that reports progress, one that
fails now and then, one that always fails, and a slow one with one effect at its end."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import transaction

from nestguard.core.models import next_values
from nestguard.jobs import JobFailed, JobProgress, job


@job(name="selftest.count", retries=0, title="Count to a number", manual=True)
def count(progress: JobProgress, *, to: int = 3) -> str:
    for done in range(1, to + 1):
        progress.update(done=done, total=to, message=f"Counted {done}")
    return f"Counted to {to}"


@job(name="selftest.flaky", retries=2)
def flaky(progress: JobProgress, *, failures: int = 1) -> str:
    """Fails its first `failures` attempts, then succeeds."""
    if progress.attempt <= failures:
        raise JobFailed(f"Attempt {progress.attempt} was told to fail.")
    return f"Succeeded at attempt {progress.attempt}"


@job(name="selftest.broken", retries=1)
def broken(progress: JobProgress) -> str:
    raise ValueError("The source file has no header row")


@job(name="selftest.slow_effect", retries=2)
def slow_effect(progress: JobProgress, *, seconds: float, started_file: str) -> str:
    """Says it started (its process id in `started_file`), works for `seconds`, then has its
    one effect: the counter `selftest.effect` goes up by one, in one transaction."""
    with Path(started_file).open("a", encoding="utf-8") as out:
        out.write(f"{os.getpid()}\n")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        progress.update(message="Working")
        time.sleep(0.1)
    with transaction.atomic():
        value = next_values("selftest.effect")[0]
    return f"Effect {value}"
