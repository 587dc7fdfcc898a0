"""Where an open subject access request holds its records against disposal.

While a request is open, what it may find must not be destroyed (deleting data after a
request is received is an offence under DPA 2018 s.173). Logging a request places a legal
hold (reason `subject_access`, the request's reference) on its person, which reaches the
person's cases and referrals (nestguard.retention, decision 0101); closing it lifts that hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nestguard.retention.models import LegalHold
from nestguard.retention.services.holds import legal_hold_lift, legal_hold_place, target_key

if TYPE_CHECKING:
    from nestguard.rights.models import SubjectAccessRequest


def sar_legal_hold_place(*, actor: Any, request: SubjectAccessRequest) -> bool:
    """Hold the person's records while `request` is open. Called inside `sar_log`'s
    transaction. Returns whether a hold was placed."""
    legal_hold_place(
        actor=actor, target=request.person, reason="subject_access", reference=request.reference
    )
    return True


def sar_legal_hold_lift(*, actor: Any, request: SubjectAccessRequest) -> bool:
    """Lift the hold `sar_legal_hold_place` placed, when `request` closes."""
    kind, key = target_key(request.person)
    lifted = False
    for hold in LegalHold.objects.filter(
        target_type=kind,
        target_id=key,
        reason="subject_access",
        reference=request.reference,
        lifted_at__isnull=True,
    ):
        legal_hold_lift(
            actor=actor, hold=hold, reason=f"Subject access request {request.reference} closed"
        )
        lifted = True
    return lifted
