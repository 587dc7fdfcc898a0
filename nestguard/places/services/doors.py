"""Answering "is there a risk behind this door?" and recording that it was asked."""

from __future__ import annotations

from typing import Any

from nestguard.audit.disclosure import basis_without_agreement
from nestguard.audit.services import audit_record
from nestguard.places import selectors


def door_check_ask(*, actor: Any, query: dict[str, str], via: str) -> selectors.DoorAnswer:
    """Answer a door check and record it: who asked, about what, and the level given. The
    answer is the level, advice and contact only, the same shape with no warning."""
    addresses = selectors.door_addresses(**query)
    answer = selectors.door_answer(addresses)
    audit_record(
        actor=actor,
        action="address.door_check",
        object_type="address",
        object_id=str(addresses[0].pk) if len(addresses) == 1 else "",
        object_label=addresses[0].one_line if len(addresses) == 1 else "",
        purpose=via,
        details={**query, "matched": len(addresses), "level": answer.level},
        basis=basis_without_agreement("door_check"),
    )
    return answer
