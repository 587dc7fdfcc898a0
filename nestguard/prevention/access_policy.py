"""Who sees the prevention list: the caseworkers and supervisors of the housing agency whose
signals put an address there, and nobody else (decision 0090).

Signals and entries are the housing agency's own data about its own tenancies: no other
agency sees them, on any path, so no sharing agreement is relied on (or needed). The rules
never combine two agencies' signals. Registered with the door from `PreventionConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.prevention.models import HousingSignal, PreventionEntry
from nestguard.prevention.rules import works_prevention


def visible_entries(user: Any) -> QuerySet[PreventionEntry]:
    if not works_prevention(user):
        return PreventionEntry.objects.none()
    return PreventionEntry.objects.filter(agency_id=user.agency_id)


def visible_signals(user: Any) -> QuerySet[HousingSignal]:
    if not works_prevention(user):
        return HousingSignal.objects.none()
    return HousingSignal.objects.filter(agency_id=user.agency_id)


def register() -> None:
    door.register(
        door.Policy(
            PreventionEntry,
            visible_entries,
            read_event="prevention_entry.view",
            list_event="prevention_entry.list",
            related=("address", "agency"),
        )
    )
    # Read only inside an entry's page, whose read event covers them.
    door.register(
        door.Policy(HousingSignal, visible_signals, read_event=None, related=("address",))
    )
