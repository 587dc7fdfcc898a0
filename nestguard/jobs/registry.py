"""The jobs this installation knows: each app declares its own in `<app>/jobs.py` with `@job`,
imported at start-up (`JobsConfig.ready`). A job is a plain function of a `JobProgress` and
JSON-serialisable keyword arguments, returning a one-line summary for the admins' page.

This module imports no model, so that `from nestguard.jobs import job` works while apps load.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JobFunction = Callable[..., Any]

_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_JOBS: dict[str, JobSpec] = {}


@dataclass(frozen=True)
class JobSpec:
    name: str  # "<app>.<verb_noun>", e.g. "places.repeat_addresses"
    func: JobFunction
    retries: int  # tries after the first: a job runs at most retries + 1 times
    title: str  # what the admins' page calls it
    manual: bool  # may an administrator start it by hand from /jobs/

    @property
    def max_attempts(self) -> int:
        return self.retries + 1


def job(
    *, name: str, retries: int = 2, title: str = "", manual: bool = False
) -> Callable[[JobFunction], JobFunction]:
    """Register `func` as the job `name`. The function is returned unchanged, so the
    management command that does the same work can call it too."""
    if not _NAME.match(name):
        raise ValueError(f"Job names are '<app>.<name>' in lower case, not {name!r}")
    if retries < 0:
        raise ValueError("retries cannot be negative")

    def register(func: JobFunction) -> JobFunction:
        existing = _JOBS.get(name)
        if existing is not None and existing.func is not func:
            # Re-importing the same module (autoreload) is fine; two jobs of one name are not.
            same = (existing.func.__module__, existing.func.__qualname__) == (
                func.__module__,
                func.__qualname__,
            )
            if not same:
                raise ValueError(f"Two jobs are called {name!r}")
        doc_title = (func.__doc__ or "").strip().splitlines()[0:1]
        _JOBS[name] = JobSpec(
            name=name,
            func=func,
            retries=retries,
            title=title or (doc_title[0].rstrip(".") if doc_title else name),
            manual=manual,
        )
        return func

    return register


def get(name: str) -> JobSpec:
    """The job called `name`; LookupError when no app declares it."""
    try:
        return _JOBS[name]
    except KeyError:
        raise LookupError(f"No job is called {name!r}") from None


def all_jobs() -> list[JobSpec]:
    return sorted(_JOBS.values(), key=lambda spec: spec.name)


def manual_jobs() -> list[JobSpec]:
    return [spec for spec in all_jobs() if spec.manual]
