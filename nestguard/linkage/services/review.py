"""A linkage reviewer's decisions on the uncertain pairs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.audit.services import audit_record
from nestguard.core.forms import clean_text
from nestguard.linkage.models import Merge, ReviewPair, SourceRecord
from nestguard.linkage.services.merges import cluster_merge


def _reason(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({"reason": "Reason must be text"})
    try:
        text = clean_text(value, label="Reason")
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages[0]}) from None
    if len(text) > 2000:
        raise ValidationError({"reason": "Reason must be 2000 characters or fewer"})
    return text


def _pending(pair: ReviewPair) -> ReviewPair:
    locked = ReviewPair.objects.select_for_update().get(pk=pair.pk)
    if locked.status != ReviewPair.Status.PENDING:
        raise ValidationError({"decision": "This pair has already been decided"})
    return locked


def review_pair_confirm(*, actor: Any, pair: ReviewPair, reason: Any = "") -> ReviewPair:
    """The two records are the same person: link their clusters (undoable, like any link)."""
    text = _reason(reason)
    with transaction.atomic():
        pair = _pending(pair)
        left = SourceRecord.objects.get(pk=pair.left_id)
        right = SourceRecord.objects.get(pk=pair.right_id)
        merge = None
        if left.cluster_id != right.cluster_id:
            merge = cluster_merge(
                actor=actor,
                into=left.cluster,
                from_cluster=right.cluster,
                reason=Merge.Reason.REVIEW,
                purpose="Linkage review: same person",
            )
        pair.status = ReviewPair.Status.CONFIRMED
        pair.decided_by = actor
        pair.decided_at = timezone.now()
        pair.reason = text
        pair.merge = merge
        pair.save()
        audit_record(
            actor=actor,
            action="linkage.review_confirm",
            obj=pair,
            purpose="Linkage review",
            details={"merge": str(merge.pk) if merge else ""},
        )
    return pair


def review_pair_reject(*, actor: Any, pair: ReviewPair, reason: Any = "") -> ReviewPair:
    """Not the same person: the pair is kept apart from now on."""
    text = _reason(reason)
    with transaction.atomic():
        pair = _pending(pair)
        pair.status = ReviewPair.Status.REJECTED
        pair.decided_by = actor
        pair.decided_at = timezone.now()
        pair.reason = text
        pair.save()
        audit_record(
            actor=actor, action="linkage.review_reject", obj=pair, purpose="Linkage review"
        )
    return pair
