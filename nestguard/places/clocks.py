"""The warning-marker review clock, registered in `nestguard.core.clocks`.

A marker's review falls due on its review date: the owner (or, with team=True, the owning
agency's caseworkers) sees it from `review_due_soon_days` before, and as overdue after. A
marker past its expiry has lapsed: it no longer answers the door check and leaves the clock
(it shows as lapsed on the address page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from nestguard.access.selectors import can_work_cases
from nestguard.core.calendar import UK
from nestguard.core.clocks import NO_DUE_ROWS, DueItem, DueRows, register_clock_source
from nestguard.core.links import reverser
from nestguard.places.models import WarningMarker
from nestguard.places.policy import places_rules


def warning_reviews(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    if not can_work_cases(user):
        return
    link = reverser("places:warning_review")
    # Most urgent first, read in chunks: the due view keeps only the first of them.
    ordered = _due(user, team=team).select_related("address", "owner")
    for marker in ordered.iterator(chunk_size=100):
        yield _item(marker, link)


def warning_review_rows(user: Any, *, team: bool = False, limit: int) -> DueRows:
    """`warning_reviews` as the due view reads it (decision 0136): the first `limit` review
    dates from the owner's index alone, and only the markers the page shows loaded with their
    address and owner (by key, in the same order)."""
    if not can_work_cases(user):
        return NO_DUE_ROWS
    keys = list(_due(user, team=team).values_list("pk", "review_on")[:limit])

    def build(start: int, stop: int) -> list[DueItem]:
        link = reverser("places:warning_review")
        wanted = [pk for pk, _ in keys[start:stop]]
        markers = WarningMarker.objects.select_related("address", "owner").in_bulk(wanted)
        return [_item(markers[pk], link) for pk in wanted if pk in markers]

    return DueRows([_due_at(review_on) for _, review_on in keys], build)


def _due(user: Any, *, team: bool) -> Any:
    """The markers whose review the user (team: their agency) must do, soonest first."""
    today = timezone.localdate()
    horizon = today + timedelta(days=places_rules().warning_marker.review_due_soon_days)
    markers = WarningMarker.objects.filter(
        withdrawn_at__isnull=True, expires_on__gte=today, review_on__lte=horizon
    )
    markers = markers.filter(owner_agency_id=user.agency_id) if team else markers.filter(owner=user)
    return markers.order_by("review_on", "pk")


def _due_at(review_on: date) -> datetime:
    return datetime.combine(review_on, time(17, 0), tzinfo=UK)


def _item(marker: WarningMarker, link: Callable[[Any], str]) -> DueItem:
    return DueItem(
        source="warning_review",
        title=f"Review the {marker.level_label.lower()} warning at {marker.address.one_line}",
        due_at=_due_at(marker.review_on),
        url=link(marker.pk),
        owner_label=str(marker.owner),
        rule=f"Review date set when placed; lapses on {marker.expires_on:%-d %B %Y}",
    )


register_clock_source(
    "warning_review", "Warning marker reviews", warning_reviews, rows=warning_review_rows
)
