"""Warning markers tied to a case the person is a subject of, or at an address they are
linked to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q

from nestguard.access import door
from nestguard.places.models import WarningMarker
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source


def _markers(user: Any, subject: Subject) -> Iterator[Found]:
    markers = (
        door.visible(user, WarningMarker, purpose=PURPOSE)
        .filter(
            Q(case__subjects__person_id__in=subject.person_ids)
            | Q(address__person_links__person_id__in=subject.person_ids)
        )
        .distinct()
        .select_related("address", "owner_agency")
        .order_by("created_at", "pk")
    )
    for marker in markers:
        yield Found(
            object_type="warningmarker",
            object_id=str(marker.pk),
            title=f"Warning marker at {marker.address.one_line}",
            held_by=str(marker.owner_agency),
            fields=fields_of(
                marker,
                [
                    ("Category", "category"),
                    ("Level", "level"),
                    ("Advice", "advice"),
                    ("Review on", "review_on"),
                    ("Expires on", "expires_on"),
                    ("Withdrawn", "withdrawn_at"),
                ],
            ),
        )


register_source("markers", "Warning markers", _markers, models=[WarningMarker])
