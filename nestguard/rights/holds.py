"""Where an open subject access request holds its records against disposal.

THE HOOK for legal holds (issue 15, built in parallel by the retention work): while a
request is open, what it found must not be destroyed (deleting data after a request is
received is an offence under DPA 2018 s.173). After merging, connect these two functions to
`legal_hold_place(*, actor, target, reason, reference)` and `legal_hold_lift(...)`; until
then they do nothing, and say so in their return value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nestguard.rights.models import SubjectAccessRequest


def sar_legal_hold_place(*, actor: Any, request: SubjectAccessRequest) -> bool:
    """Hold the person's records while `request` is open. Called inside `sar_log`'s
    transaction. Returns whether a hold was placed (False until connected)."""
    return False


def sar_legal_hold_lift(*, actor: Any, request: SubjectAccessRequest) -> bool:
    """Lift the hold `sar_legal_hold_place` placed, when `request` closes."""
    return False
