"""Planned operations awaiting an answer, on the due-and-overdue view of the agencies told:
due when the window opens (answers close then)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.core.clocks import DueItem, register_clock_source
from nestguard.deconfliction.models import Notice, OperationStatus


def _awaiting_answer(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    """A notice to the user's agency with no answer yet, its window not yet open. An answer
    is the agency's, so the user's own list and their team's are the same."""
    notices = (
        visible(user, Notice)
        .filter(
            agency_id=user.agency_id,
            response="",
            operation__status=OperationStatus.PLANNED,
            operation__starts_at__gt=timezone.now(),
        )
        .select_related("operation", "operation__address", "operation__agency")
        .order_by("operation__starts_at")
    )
    for notice in notices:
        operation = notice.operation
        yield DueItem(
            source="deconfliction",
            title=(
                f"{operation.kind_label} by {operation.agency.name} at "
                f"{operation.address.line1}: answer before the window opens"
            ),
            due_at=operation.starts_at,
            url=reverse("deconfliction:detail", args=[operation.pk]),
            owner_label=str(operation.agency.name),
            rule="Answers close when the window opens",
        )


register_clock_source(
    "deconfliction", "Planned visits, warrants and operations to answer", _awaiting_answer
)
