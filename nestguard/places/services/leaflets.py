"""A leaflet drop around a confirmed property, recorded as an intervention on its case
through the cases intervention service (type `leaflet_drop`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.audit.services import audit_record
from nestguard.cases.models import Case, CaseAddress, InterventionStatus
from nestguard.cases.services.interventions import intervention_add, intervention_update
from nestguard.places.models import Address


def leaflet_drop_record(
    *, actor: Any, address: Address, case: Case, radius: int, addresses: int
) -> Any:
    """Record that the leaflets went out today around `address` (radius and count in the
    intervention's notes), as a completed intervention owned by the actor."""
    if not CaseAddress.objects.filter(case=case, address=address).exists():
        raise ValidationError({"case": "Choose a case at this address"})
    if not isinstance(radius, int) or isinstance(radius, bool) or radius < 1:
        raise ValidationError({"radius": "The radius must be a whole number of metres"})
    today = timezone.localdate()
    notes = f"Leaflets delivered to {addresses} addresses within {radius} m of {address.one_line}"
    with transaction.atomic():
        intervention = intervention_add(
            actor=actor, case=case, type="leaflet_drop", owner=actor, starts_on=today, notes=notes
        )
        intervention_update(
            actor=actor,
            intervention=intervention,
            status=InterventionStatus.COMPLETED,
            completed_on=today,
        )
        audit_record(
            actor=actor,
            action="address.nearby",
            obj=address,
            purpose="Leaflet drop recorded",
            details={"radius": radius, "addresses": addresses, "case": case.reference},
        )
    return intervention
