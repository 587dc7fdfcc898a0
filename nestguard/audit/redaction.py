"""Redacting the payload of audit events: the one change the audit table permits
(decision 0105, issue 15).

Events written under the payload-digest scheme chain over a keyed digest of their object
label and details, not the values, so a disposal can clear the values and the chain still
verifies. The database triggers allow exactly this UPDATE, once per event, and nothing
else; the redaction itself is recorded as an audit event naming how many events and why.
Events written before the digest scheme cannot be redacted without breaking the chain:
they are counted and left (the certificate says how many).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from nestguard.audit.models import AuditEvent, HashScheme
from nestguard.audit.services import audit_record


@dataclass(frozen=True)
class Redaction:
    redacted: int
    not_redactable: int


def audit_redact(
    *, actor: Any, events: QuerySet[AuditEvent], reason: str, reference: str
) -> Redaction:
    """Clear the object label and details of `events` (those not yet redacted), recording
    why (`reason`, e.g. a retention rule) and the disposal certificate (`reference`)."""
    pending = events.filter(redacted_at__isnull=True)
    with transaction.atomic():
        not_redactable = pending.exclude(hash_scheme=HashScheme.HMAC_SHA256_PAYLOAD_DIGEST).count()
        redacted = pending.filter(hash_scheme=HashScheme.HMAC_SHA256_PAYLOAD_DIGEST).update(
            object_label="",
            details={"redacted": reason, "reference": reference},
            redacted_at=timezone.now(),
        )
        if redacted or not_redactable:
            audit_record(
                actor=actor,
                action="audit.payloads_redacted",
                object_type="disposal",
                object_id=reference[:64],
                details={
                    "reason": reason,
                    "redacted": redacted,
                    "not_redactable": not_redactable,
                },
            )
    return Redaction(redacted, not_redactable)
