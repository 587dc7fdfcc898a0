"""Who keeps the data protection records (permission predicates; what each may see of the
breach log is the policy's)."""

from __future__ import annotations

from typing import Any

from nestguard.access.rules import roles
from nestguard.accounts.models import Role

KEEPING_RECORDS = roles(Role.DATA_PROTECTION_OFFICER)


def keeps_records(user: Any) -> bool:
    """A data protection officer of an active agency."""
    if not KEEPING_RECORDS.allows(user):
        return False
    agency = getattr(user, "agency", None)
    return bool(agency is not None and agency.active)
