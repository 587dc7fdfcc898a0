"""Who works a prevention list (permission predicates; what each may see is the policy's)."""

from __future__ import annotations

from typing import Any

from nestguard.access.rules import CASEWORK
from nestguard.prevention.policy import HOUSING_AGENCY_TYPES


def works_prevention(user: Any) -> bool:
    """A caseworker or supervisor of an active housing agency: they work their agency's
    list, send its signals, and see the navigation link."""
    if not CASEWORK.allows(user):
        return False
    agency = getattr(user, "agency", None)
    return bool(agency is not None and agency.active and agency.type in HOUSING_AGENCY_TYPES)
