"""Who sees which address, repeat-address alert and warning marker.

- an address page: whoever may see a case or a referral at that address;
- the register itself (addresses, no people) is open to caseworkers recording a report;
- repeat-address alerts: the police and ASB leads (`can_work_repeat_alerts`);
- a warning marker's reasons (category, owner, case): whoever sees its case, or (for its
  caseworkers) the agency that placed it, as far as the marker's handling restriction
  allows (`restricted_for`, decision 78); everyone else asks the door check.

Registered with the door from `PlacesConfig.ready` (`policy.py` here is the places rules as
data); read these only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from nestguard.access import door
from nestguard.access.selectors import can_work_cases
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import CaseAddress
from nestguard.core.queries import one_of
from nestguard.places.models import Address, RepeatAddressAlert, WarningMarker
from nestguard.referrals.access_policy import visible_referrals


def visible_addresses(user: Any) -> QuerySet[Address]:
    """Addresses with a case or a referral the user may see."""
    if not user or not user.is_authenticated:
        return Address.objects.none()
    with_case = Exists(CaseAddress.objects.filter(case_visible(user), address=OuterRef("pk")))
    with_referral = Exists(visible_referrals(user).filter(address=OuterRef("pk")))
    return Address.objects.filter(Q(with_case) | Q(with_referral))


def reportable_addresses(user: Any) -> QuerySet[Address]:
    """The register is open to every caseworker; an address typed on a referral is not."""
    return Address.objects.filter(Q(in_register=True) | Q(one_of(visible_addresses(user))))


def visible_repeat_alerts(user: Any) -> QuerySet[RepeatAddressAlert]:
    from nestguard.places.services.repeats import can_work_repeat_alerts

    if not can_work_repeat_alerts(user):
        return RepeatAddressAlert.objects.none()
    return RepeatAddressAlert.objects.all()


def panel_repeat_alerts(scope: door.PanelScope) -> QuerySet[RepeatAddressAlert]:
    """An alert names a place, never a case or a person: the partnership's shared picture of
    places, open to every panel (decision 0073)."""
    return RepeatAddressAlert.objects.all()


def visible_markers(user: Any) -> QuerySet[WarningMarker]:
    """Markers whose reasons (category, owner, case) the user may read: on a case they may
    see, or (for its caseworkers) placed by their agency, as far as the marker's handling
    restriction allows. Anyone else learns only the door-check answer (`door_answer`)."""
    if not user or not user.is_authenticated:
        return WarningMarker.objects.none()
    condition = Q(case_visible(user))
    if can_work_cases(user):
        condition |= Q(owner_agency_id=user.agency_id)
    return WarningMarker.objects.filter(condition).restricted_for(user)


def register() -> None:
    door.register(
        door.Policy(
            Address,
            visible_addresses,
            read_event="address.view",
            scopes={
                # The report form shows the address line only: nothing known about it.
                "place_report": door.Scope(reportable_addresses, read_event=None),
            },
        )
    )
    door.register(
        door.Policy(
            RepeatAddressAlert,
            visible_repeat_alerts,
            read_event="repeat_alert.view",
            list_event="repeat_alert.list",
            related=("address", "decided_by"),
            for_panel=panel_repeat_alerts,
        )
    )
    # Markers are read on their address page (audited there as the address's read); the API
    # lists them with their reasons (`warning.list`); managing one is a write.
    door.register(
        door.Policy(
            WarningMarker,
            visible_markers,
            read_event=None,
            list_event="warning.list",
            related=("address", "case", "owner_agency"),
        )
    )
