"""Who reads the audit trail: auditors, and every search is itself audited (purpose `audit`).

Registered with the door from `AuditConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.accounts.models import Role
from nestguard.audit.models import AuditEvent


def visible_audit_events(user: Any) -> QuerySet[AuditEvent]:
    if not user or not user.is_authenticated or not user.has_role(Role.AUDITOR):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def register() -> None:
    # A search is audited as a search (`audit.view`, with its terms), not event by event.
    door.register(door.Policy(AuditEvent, visible_audit_events, read_event=None))
