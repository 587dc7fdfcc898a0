"""Backups past the schedule's period (rule `backups`, action `expire`): the operations
app's rotation deletes them (`operations.services.backups_rotate`, after each nightly
backup) and this policy certifies what went, with the rule, its version and source, like any
disposal (decision 0111). There is no review: a backup's period is the schedule's, and a
backup holds only copies of records that live (or were disposed of) in the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from nestguard.audit.services import audit_record
from nestguard.core.models import next_reference
from nestguard.retention.models import (
    BatchStatus,
    DisposalBatch,
    DisposalCertificate,
    DisposalItem,
    RetentionRule,
)
from nestguard.retention.services.candidates import cutoff_for

RULE = "backups"
BY_THE_SCHEDULE = "the retention schedule (automatic expiry)"


class SchedulePolicy:
    """The retention schedule's answer to the operations app's rotation."""

    def cutoff(self) -> datetime | None:
        rule = RetentionRule.objects.filter(code=RULE, action="expire").first()
        return cutoff_for(rule) if rule is not None else None

    def certify(self, *, actor: Any, expired: list[tuple[str, datetime]]) -> DisposalCertificate:
        return backups_expired_certify(actor=actor, expired=expired)


def backups_expired_certify(
    *, actor: Any, expired: list[tuple[str, datetime]]
) -> DisposalCertificate:
    """A batch, already carried out, naming each deleted backup, and its certificate."""
    rule = RetentionRule.objects.get(code=RULE)
    now = timezone.now()
    with transaction.atomic():
        batch = DisposalBatch.objects.create(
            reference=next_reference("retention_batch", "DB"),
            rule=rule,
            rule_version=rule.version,
            action=rule.action,
            status=BatchStatus.DISPOSED,
            cutoff=cutoff_for(rule, now),
            item_count=len(expired),
        )
        DisposalItem.objects.bulk_create(
            DisposalItem(
                batch=batch,
                record_type="operations.backup",
                record_id=name[:64],
                record_reference=f"{made:%Y-%m-%d}",
                disposed_at=now,
            )
            for name, made in expired
        )
        certificate = DisposalCertificate.objects.create(
            reference=next_reference("retention_certificate", "DC"),
            batch=batch,
            rule_code=rule.code,
            rule_version=rule.version,
            rule_source=rule.source,
            action=rule.action,
            counts={"backups": len(expired)},
            approved_by_label=BY_THE_SCHEDULE,
            carried_out_at=now,
            carried_out_by=actor,
        )
        audit_record(
            actor=actor,
            action="retention.dispose",
            obj=certificate,
            purpose="data_protection",
            details={"batch": batch.reference, "rule": rule.code, "counts": certificate.counts},
        )
    return certificate
