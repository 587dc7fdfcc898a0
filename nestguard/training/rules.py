"""Who keeps training records: each agency's supervisors and administrators, for their own
agency's staff (decision 0104). Everyone reads their own record."""

from __future__ import annotations

from typing import Any

from nestguard.access.rules import roles
from nestguard.accounts.models import Role

KEEPING = roles(Role.SUPERVISOR, Role.ADMIN)


def keeps_training(user: Any) -> bool:
    if not KEEPING.allows(user):
        return False
    agency = getattr(user, "agency", None)
    return bool(agency is not None and agency.active)


def may_record_for(actor: Any, staff: Any) -> bool:
    """A supervisor or administrator of the staff member's own agency."""
    return keeps_training(actor) and staff.agency_id == actor.agency_id and staff.is_active
