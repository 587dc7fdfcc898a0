"""The subject access clock on the due-and-overdue view (nestguard.core.clocks), for data
protection officers: every open request, due on its (extended) deadline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

from nestguard.access import door
from nestguard.core.calendar import UK
from nestguard.core.clocks import DueItem, register_clock_source
from nestguard.core.links import reverser
from nestguard.rights.models import SarStatus, SubjectAccessRequest


def subject_access_requests(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    requests = (
        door.visible(user, SubjectAccessRequest, purpose="subject_access")
        .exclude(status__in=[SarStatus.DISCLOSED, SarStatus.CLOSED])
        .order_by("due_on", "pk")
    )
    link = reverser("rights:sar_detail")
    for request in requests.iterator(chunk_size=100):
        extended = request.extended_due_on is not None
        yield DueItem(
            source="subject_access",
            title=f"Answer subject access request {request.reference}",
            due_at=datetime.combine(request.deadline, time(17, 0), tzinfo=UK),
            url=link(request.pk),
            owner_label="Data protection officer",
            rule=(
                "Extended by two months (UK GDPR Art. 12(3))"
                if extended
                else "One calendar month from receipt (UK GDPR Art. 12(3))"
            ),
        )


register_clock_source("subject_access", "Subject access requests", subject_access_requests)
