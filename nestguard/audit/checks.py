"""The daily verification job and anchoring, as plain functions that commands call (and a
scheduler can call later): each records its result and an audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from nestguard.audit.anchors import Anchor, AnchorError, anchor_write, anchors_read
from nestguard.audit.models import ChainCheck
from nestguard.audit.services import audit_record
from nestguard.audit.verify import ChainReport, verify_chain


def chain_verify_with_anchors() -> ChainReport:
    """The chain checked with the key and against every anchor written so far."""
    try:
        anchors = anchors_read()
    except AnchorError as exc:
        return ChainReport(0, 0, str(exc))
    return verify_chain(anchors=anchors)


def chain_check_record(*, actor: Any = None) -> ChainCheck:
    """Verify the chain and its anchors and keep the result where admins and auditors see it."""
    report = chain_verify_with_anchors()
    with transaction.atomic():
        check = ChainCheck.objects.create(
            checked_at=timezone.now(),
            events_checked=report.checked,
            intact=report.intact,
            first_broken_id=report.first_broken_id,
            reason=report.reason[:300],
            anchors_compared=report.anchors_compared,
        )
        audit_record(
            actor=actor,
            action="audit.chain_check",
            object_type="chaincheck",
            object_id=str(check.pk),
            details={
                "intact": report.intact,
                "events_checked": report.checked,
                "first_broken_id": report.first_broken_id,
                "anchors_compared": report.anchors_compared,
            },
        )
    return check


def chain_anchor_record(*, actor: Any = None) -> Anchor | None:
    """Anchor the latest event outside the database, then record that it was anchored."""
    anchor = anchor_write()
    if anchor is not None:
        audit_record(
            actor=actor,
            action="audit.anchor",
            details={"event_id": anchor.event_id, "hash": anchor.hash, "file": anchor.source},
        )
    return anchor
