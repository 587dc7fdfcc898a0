"""Reads of case content are audited like writes: who looked at which case, and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nestguard.audit.models import AuditEvent
from nestguard.audit.services import audit_record
from nestguard.cases.models import Case


def case_view(*, actor: Any, case: Case, purpose: str = "Case page") -> AuditEvent:
    return audit_record(actor=actor, action="case.view", obj=case, purpose=purpose)


def case_list_view(
    *, actor: Any, cases: Sequence[Case], purpose: str = "Case list", filters: dict[str, Any]
) -> AuditEvent | None:
    """One event for a page of the case list (it shows the names of the people in them)."""
    if not cases:
        return None
    return audit_record(
        actor=actor,
        action="case.list",
        object_type="case",
        object_label=f"{len(cases)} cases",
        purpose=purpose,
        details={"cases": [c.reference for c in cases], "filters": filters},
    )
