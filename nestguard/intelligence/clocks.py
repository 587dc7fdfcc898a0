"""The grading clock, registered in `nestguard.core.clocks`: reports waiting to be graded by
the function's intelligence officers, due `grading_working_days` working days after they were
submitted (partnership policy, data/function.json), overdue after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.core.clocks import DueItem, register_clock_source
from nestguard.core.links import reverser
from nestguard.intelligence.policy import grading_working_days
from nestguard.intelligence.selectors import grading_queue


def grading_due(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    # The queue belongs to the function, not to one officer: `team` adds nothing.
    link = reverser("intelligence:grade")
    days = grading_working_days()
    for report in grading_queue(user).order_by("due_at", "pk").iterator(chunk_size=100):
        yield DueItem(
            source="intelligence_grading",
            title=f"Grade intelligence {report.reference} from {report.agency}",
            due_at=report.due_at,
            url=link(report.pk),
            owner_label="Intelligence function",
            rule=f"Graded within {days} working days of submission (partnership policy)",
        )


register_clock_source("intelligence_grading", "Intelligence to grade", grading_due)
