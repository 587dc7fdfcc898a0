"""Disposal in reviewed batches: listed nightly, approved (twice for children, when the
setting asks) or extended with a reason, carried out on approval, certified, and the audit
trail's payloads about the disposed records redacted (decisions 0101 and 0105)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from nestguard.accounts.models import User
from nestguard.audit.models import AuditEvent
from nestguard.audit.redaction import audit_redact
from nestguard.audit.services import audit_record
from nestguard.core.models import next_reference
from nestguard.linkage.live_index import discard_index_after_disposal
from nestguard.retention import record_types as rt
from nestguard.retention.models import (
    BatchStatus,
    DisposalBatch,
    DisposalCertificate,
    DisposalItem,
    RetentionRule,
)
from nestguard.retention.services import candidates as found
from nestguard.retention.services import dispose
from nestguard.retention.services.holds import CASE, PERSON, REFERRAL, held_records
from nestguard.retention.services.schedule import may_manage_retention

PENDING = (BatchStatus.AWAITING_REVIEW, BatchStatus.AWAITING_SECOND)


def second_approver_for_children() -> bool:
    """The setting: batches with records about children need a second approver."""
    return bool(getattr(settings, "NESTGUARD_RETENTION_CHILD_SECOND_APPROVER", True))


def _not_reviewable() -> list[str]:
    """Rules whose `review` action cannot be carried out: all but the registered types (a
    reviewed intelligence batch is anonymised on approval, MoPI)."""
    return list(
        RetentionRule.objects.exclude(code__in=[t.rule for t in rt.all_types()]).values_list(
            "code", flat=True
        )
    )


def _audit_batch_pending(rule: RetentionRule) -> bool:
    today = timezone.localdate()
    return (
        DisposalBatch.objects.filter(rule=rule)
        .filter(Q(status__in=PENDING) | Q(status=BatchStatus.EXTENDED, extended_until__gte=today))
        .exists()
    )


def batches_build(*, actor: User | None = None) -> list[DisposalBatch]:
    """The nightly listing: one batch per automated rule with anything past its period.
    Idempotent: records already listed, retained or disposed of are not listed again."""
    made: list[DisposalBatch] = []
    for rule in RetentionRule.objects.filter(automated=True).exclude(
        action="review", code__in=_not_reviewable()
    ):
        if found.is_audit_rule(rule):
            batch = _audit_batch(rule, actor)
        else:
            batch = _record_batch(rule, actor)
        if batch is not None:
            made.append(batch)
    return made


def _new_batch(rule: RetentionRule, **fields: Any) -> DisposalBatch:
    return DisposalBatch.objects.create(
        reference=next_reference("retention_batch", "DB"),
        rule=rule,
        rule_version=rule.version,
        action=rule.action,
        **fields,
    )


def _record_batch(rule: RetentionRule, actor: User | None) -> DisposalBatch | None:
    listed = found.candidates(rule)
    if not listed:
        return None
    children = any(c.about_child for c in listed)
    with transaction.atomic():
        batch = _new_batch(
            rule,
            item_count=len(listed),
            about_children=children,
            needs_second_approval=children and second_approver_for_children(),
        )
        DisposalItem.objects.bulk_create(
            DisposalItem(
                batch=batch,
                record_type=c.record_type,
                record_id=c.record_id,
                record_reference=c.reference,
                about_child=c.about_child,
            )
            for c in listed
        )
        _audit_listed(actor, batch)
    return batch


def _audit_batch(rule: RetentionRule, actor: User | None) -> DisposalBatch | None:
    if _audit_batch_pending(rule):
        return None
    cutoff = found.cutoff_for(rule)
    count = found.audit_events_for(rule, cutoff).count()
    if not count:
        return None
    with transaction.atomic():
        batch = _new_batch(rule, cutoff=cutoff, item_count=count)
        _audit_listed(actor, batch)
    return batch


def _audit_listed(actor: User | None, batch: DisposalBatch) -> None:
    audit_record(
        actor=actor,
        action="retention.batch_list",
        obj=batch,
        purpose="data_protection",
        details={"rule": batch.rule.code, "items": batch.item_count},
    )


def _require_officer(actor: User) -> None:
    if not may_manage_retention(actor):
        raise PermissionDenied("Only a data protection officer reviews disposal")


def batch_approve(*, actor: User, batch: DisposalBatch) -> DisposalBatch:
    """Approve a batch. The first approval of a batch about children, when the setting asks
    for two, waits for a second, different officer; the last approval carries it out."""
    _require_officer(actor)
    with transaction.atomic():
        current = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status not in PENDING:
            raise ValidationError({"decision": ["This batch has already been decided"]})
        now = timezone.now()
        ready = True
        if current.status == BatchStatus.AWAITING_SECOND:
            if current.approved_by_id == actor.pk:
                raise ValidationError(
                    {"decision": ["A second, different data protection officer must approve"]}
                )
            current.second_approved_by = actor
            current.second_approved_at = now
        else:
            current.approved_by = actor
            current.approved_at = now
            if current.needs_second_approval:
                current.status = BatchStatus.AWAITING_SECOND
                ready = False
        current.save()
        audit_record(
            actor=actor,
            action="retention.batch_approve",
            obj=current,
            purpose="data_protection",
            details={"status": current.status},
        )
        if ready:
            _carry_out(actor, current)
    return current


def batch_extend(
    *, actor: User, batch: DisposalBatch, until: date | None, reason: str
) -> DisposalBatch:
    """Retain the batch's records until `until`, with the reason (MoPI: every retain
    decision recorded). They are listed again after that day."""
    _require_officer(actor)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["Enter why the records are kept"]
    if until is None or until <= timezone.localdate():
        errors["until"] = ["Enter a date in the future"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status not in PENDING:
            raise ValidationError({"decision": ["This batch has already been decided"]})
        current.status = BatchStatus.EXTENDED
        current.extended_by = actor
        current.extended_until = until
        current.extend_reason = reason.strip()
        current.save()
        current.items.update(retain_until=until)
        audit_record(
            actor=actor,
            action="retention.batch_extend",
            obj=current,
            purpose="data_protection",
            details={"until": str(until), "reason": reason.strip()},
        )
    return current


def _disposed_before(record_type: str) -> set[str]:
    return set(
        DisposalItem.objects.filter(record_type=record_type, disposed_at__isnull=False).values_list(
            "record_id", flat=True
        )
    )


def _carry_out(actor: User, batch: DisposalBatch) -> DisposalCertificate:
    """Inside the approving transaction: re-check holds (one may have been placed since the
    listing), dispose, redact the audit payloads about what was disposed of, certify."""
    held = held_records()
    done = dispose.Disposed()
    now = timezone.now()
    skipped = 0
    redaction = None
    if found.is_audit_rule(batch.rule):
        assert batch.cutoff is not None
        events = found.audit_events_for(batch.rule, batch.cutoff)
        redaction = audit_redact(
            actor=actor, events=events, reason=batch.rule.code, reference=batch.reference
        )
        done.records["audit_events"] = [""] * redaction.redacted
    else:
        items = list(batch.items.all())
        keep = [i for i in items if (i.record_type, i.record_id) in held]
        go = [i for i in items if (i.record_type, i.record_id) not in held]
        skipped = len(keep)
        cases = {i.record_id for i in go if i.record_type == CASE}
        referrals = {i.record_id for i in go if i.record_type == REFERRAL}
        dispose.case_anonymise(cases, done)
        dispose.referral_anonymise(referrals, done)
        named: set[str] = set()
        disposed = {kind.model: _disposed_before(kind.key) for kind in rt.all_types()}
        for kind in rt.all_types():
            ids = {i.record_id for i in go if i.record_type == kind.key}
            if ids:
                named |= dispose.registered_dispose(kind, ids, done)
                disposed[kind.model] |= ids
        held_people = {key for kind, key in held if kind == PERSON}
        dispose.people_anonymise(
            cases,
            referrals,
            done,
            all_cases=cases | _disposed_before(CASE),
            all_referrals=referrals | _disposed_before(REFERRAL),
            held_people=held_people,
            disposed=disposed,
            named=named,
        )
        DisposalItem.objects.filter(pk__in=[i.pk for i in go]).update(disposed_at=now)
        # Links in the network were derived from what the records said (a phone, a found-at
        # address, an intelligence subject): derived again from what they say now.
        done.announce()
        redaction = _redact_about(actor, batch, done)
    certificate = DisposalCertificate.objects.create(
        reference=next_reference("retention_certificate", "DC"),
        batch=batch,
        rule_code=batch.rule.code,
        rule_version=batch.rule_version,
        rule_source=batch.rule.source,
        action=batch.action,
        counts={
            **done.counts(),
            "kept_under_legal_hold": skipped,
            "audit_events_redacted": redaction.redacted if redaction else 0,
            "audit_events_not_redactable": redaction.not_redactable if redaction else 0,
        },
        approved_by_label=batch.approved_by.get_username() if batch.approved_by else "",
        second_approved_by_label=(
            batch.second_approved_by.get_username() if batch.second_approved_by else ""
        ),
        carried_out_at=now,
        carried_out_by=actor,
    )
    batch.status = BatchStatus.DISPOSED
    batch.save(update_fields=["status", "updated_at"])
    # The "already known?" index holds what the records said: once the disposal commits, the
    # shared files are deleted and written again from the anonymised rows, and this process
    # drops its copy (decision 0117). Other web processes move to the new file when it is
    # written, or rebuild theirs when restarted (docs/how-to/disposal.md).
    transaction.on_commit(discard_index_after_disposal)
    audit_record(
        actor=actor,
        action="retention.dispose",
        obj=certificate,
        purpose="data_protection",
        details={"batch": batch.reference, "rule": batch.rule.code, "counts": certificate.counts},
    )
    return certificate


def _redact_about(actor: User, batch: DisposalBatch, done: dispose.Disposed) -> Any:
    """The audit trail keeps that each disposed record existed and was read or changed (who,
    when, why), but no longer its label or details."""
    about = Q()
    for kind, keys in done.records.items():
        if keys:
            about |= Q(object_type=kind, object_id__in=keys)
    if not about:
        return None
    return audit_redact(
        actor=actor,
        events=AuditEvent.objects.filter(about),
        reason=batch.rule.code,
        reference=batch.reference,
    )
