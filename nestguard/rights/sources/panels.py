"""Panel agenda items about the person (or a case they are a subject of), and their actions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, Q

from nestguard.access import door
from nestguard.panels.models import AgendaItem, Meeting
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source


def _items(user: Any, subject: Subject) -> Iterator[Found]:
    about = Q(person_id__in=subject.person_ids) | Q(
        case__subjects__person_id__in=subject.person_ids
    )
    meetings = (
        door.visible(user, Meeting, purpose=PURPOSE)
        .filter(
            Q(items__person_id__in=subject.person_ids)
            | Q(items__case__subjects__person_id__in=subject.person_ids)
        )
        .distinct()
        .select_related("panel")
        .prefetch_related(
            Prefetch(
                "items", queryset=AgendaItem.objects.filter(about).distinct().order_by("position")
            ),
            "items__actions",
        )
        .order_by("meets_on", "pk")
    )
    for meeting in meetings:
        for item in meeting.items.all():
            actions = [("Action", action.description) for action in item.actions.all()]
            yield Found(
                object_type="agendaitem",
                object_id=str(item.pk),
                title=f"{meeting.panel.name} meeting {meeting.reference}: {item.title}",
                held_by=meeting.panel.name,
                fields=(
                    *fields_of(meeting, [("Met on", "meets_on")]),
                    *fields_of(
                        item,
                        [
                            ("Reason on the agenda", "reason"),
                            ("Discussion", "discussion"),
                            ("Decisions", "decisions"),
                        ],
                    ),
                    *actions,
                ),
            )


register_source("panels", "Panel agenda items", _items, models=[Meeting])
