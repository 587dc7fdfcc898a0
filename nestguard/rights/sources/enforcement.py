"""Enforcement actions at an address that name the person."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access import door
from nestguard.enforcement.models import EnforcementAction
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source


def _actions(user: Any, subject: Subject) -> Iterator[Found]:
    actions = (
        door.visible(user, EnforcementAction, purpose=PURPOSE)
        .filter(person_id__in=subject.person_ids)
        .select_related("address", "agency")
        .order_by("taken_at", "pk")
    )
    for action in actions:
        yield Found(
            object_type="enforcementaction",
            object_id=str(action.pk),
            title=f"Enforcement {action.reference} at {action.address.one_line}",
            held_by=str(action.agency),
            fields=fields_of(
                action,
                [
                    ("Step", "step"),
                    ("Taken", "taken_at"),
                    ("Conduct", "conduct"),
                    ("Notes", "notes"),
                    ("Comply by", "comply_by"),
                    ("Ends", "ends_at"),
                ],
            ),
        )


register_source("enforcement", "Enforcement actions", _actions, models=[EnforcementAction])
