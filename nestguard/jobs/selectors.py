"""Reads of job runs, from the door."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nestguard.access.door import visible
from nestguard.jobs.models import JobRun

PAGE_SIZE = 50


def run_page(user: Any, *, before: str | None = None) -> tuple[list[JobRun], str | None]:
    """A page of the runs the user may see, newest first, by keyset (no count): the runs
    queued before the run `before`, and the key for the next page or None."""
    runs: QuerySet[JobRun] = visible(user, JobRun).select_related("started_by")
    if before:
        anchor = runs.filter(pk=before).values("created_at", "pk").first()
        if anchor is not None:
            runs = runs.filter(
                Q(created_at__lt=anchor["created_at"])
                | Q(created_at=anchor["created_at"], pk__lt=anchor["pk"])
            )
    page = list(runs.order_by("-created_at", "-pk")[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return page, (str(page[-1].pk) if more else None)
