"""Reads of pathway records are audited like writes: who looked at whose episode or referral."""

from __future__ import annotations

from typing import Any

from nestguard.audit.models import AuditEvent
from nestguard.audit.services import audit_record


def record_view(*, actor: Any, action: str, obj: Any, purpose: str) -> AuditEvent:
    return audit_record(actor=actor, action=action, obj=obj, purpose=purpose)
