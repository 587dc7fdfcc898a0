"""Reads for the retention pages, starting from the door."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.retention.models import (
    BatchStatus,
    DisposalBatch,
    DisposalCertificate,
    DisposalItem,
    LegalHold,
    RetentionRule,
    RuleChange,
)


def schedule(user: Any) -> QuerySet[RetentionRule]:
    return door.visible(user, RetentionRule).select_related("updated_by").order_by("code")


def rule_history(rule: RetentionRule) -> QuerySet[RuleChange]:
    return rule.changes.select_related("changed_by").order_by("-version")


def active_holds(user: Any) -> QuerySet[LegalHold]:
    return (
        door.visible(user, LegalHold)
        .filter(lifted_at__isnull=True)
        .select_related("placed_by")
        .order_by("-placed_at")
    )


def lifted_holds(user: Any, limit: int = 50) -> list[LegalHold]:
    return list(
        door.visible(user, LegalHold)
        .filter(lifted_at__isnull=False)
        .select_related("placed_by", "lifted_by")
        .order_by("-lifted_at")[:limit]
    )


def batches_awaiting(user: Any) -> QuerySet[DisposalBatch]:
    return (
        door.visible(user, DisposalBatch)
        .filter(status__in=(BatchStatus.AWAITING_REVIEW, BatchStatus.AWAITING_SECOND))
        .select_related("rule", "approved_by")
        .order_by("created_at")
    )


def batches_decided(user: Any, limit: int = 50) -> list[DisposalBatch]:
    return list(
        door.visible(user, DisposalBatch)
        .filter(status__in=(BatchStatus.EXTENDED, BatchStatus.DISPOSED))
        .select_related("rule", "approved_by", "extended_by")
        .order_by("-updated_at")[:limit]
    )


def batch_items(batch: DisposalBatch, limit: int = 500) -> list[DisposalItem]:
    return list(batch.items.order_by("id")[:limit])


def certificate_of(user: Any, batch: DisposalBatch) -> DisposalCertificate | None:
    return door.visible(user, DisposalCertificate).filter(batch=batch).first()
