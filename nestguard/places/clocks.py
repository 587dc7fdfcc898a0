"""The warning-marker review clock, registered in `nestguard.core.clocks`.

A marker's review falls due on its review date: the owner (or, with team=True, the owning
agency's caseworkers) sees it from `review_due_soon_days` before, and as overdue after. A
marker past its expiry has lapsed: it no longer answers the door check and leaves the clock
(it shows as lapsed on the address page).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from nestguard.access.selectors import can_work_cases
from nestguard.core.calendar import UK
from nestguard.core.clocks import DueItem, register_clock_source
from nestguard.core.links import reverser
from nestguard.places.models import WarningMarker
from nestguard.places.policy import places_rules


def warning_reviews(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    if not can_work_cases(user):
        return
    today = timezone.localdate()
    horizon = today + timedelta(days=places_rules().warning_marker.review_due_soon_days)
    markers = WarningMarker.objects.filter(
        withdrawn_at__isnull=True, expires_on__gte=today, review_on__lte=horizon
    )
    markers = markers.filter(owner_agency_id=user.agency_id) if team else markers.filter(owner=user)
    link = reverser("places:warning_review")
    # Most urgent first, read in chunks: the due view keeps only the first of them.
    ordered = markers.select_related("address", "owner").order_by("review_on", "pk")
    for marker in ordered.iterator(chunk_size=100):
        yield DueItem(
            source="warning_review",
            title=f"Review the {marker.level_label.lower()} warning at {marker.address.one_line}",
            due_at=datetime.combine(marker.review_on, time(17, 0), tzinfo=UK),
            url=link(marker.pk),
            owner_label=str(marker.owner),
            rule=f"Review date set when placed; lapses on {marker.expires_on:%-d %B %Y}",
        )


register_clock_source("warning_review", "Warning marker reviews", warning_reviews)
