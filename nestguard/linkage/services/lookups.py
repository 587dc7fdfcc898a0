"""Recording that someone looked up who knows a person (a read of personal data)."""

from __future__ import annotations

from typing import Any

from nestguard.audit.disclosure import disclosure_basis
from nestguard.audit.services import audit_record
from nestguard.linkage.selectors import Lookup


def audit_lookup(user: Any, lookup: Lookup, purpose: str) -> None:
    audit_record(
        actor=user,
        action="linkage.candidates",
        object_type="cluster",
        purpose=purpose,
        details={
            "candidates": [str(c.cluster_id) for c in lookup.candidates],
            "agencies_shown": sorted(
                {str(k.agency.pk) for c in lookup.candidates for k in c.known_to}
            ),
        },
        basis=disclosure_basis(
            holders=[k.agency for c in lookup.candidates for k in c.known_to],
            recipient=getattr(user, "agency", None),
            fallback="existence_only",
        ),
    )
