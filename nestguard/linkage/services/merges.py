"""Linking source records as one person, and undoing it.

A merge moves every record of one cluster into another and remembers both sides (`moved`
and `kept`). Undoing it moves exactly `moved` back into the emptied cluster, so the index is
as it was before. A merge can be undone only while its records are still where it put them:
when a later merge carried them on, that one is undone first (the page says which).
No source record is created, changed or deleted by either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.audit.services import audit_record
from nestguard.core.forms import clean_text
from nestguard.linkage.models import Cluster, LinkageRun, Merge, ReviewPair, SourceRecord


def _ids(cluster: Cluster) -> list[str]:
    return sorted(
        str(pk) for pk in SourceRecord.objects.filter(cluster=cluster).values_list("pk", flat=True)
    )


def cluster_merge(
    *,
    actor: Any,
    into: Cluster,
    from_cluster: Cluster,
    reason: str,
    run: LinkageRun | None = None,
    purpose: str = "",
) -> Merge:
    """Link two people in the index as one: the records of `from_cluster` join `into`."""
    if reason not in Merge.Reason.values:
        raise ValidationError({"reason": "Unknown reason for a link"})
    if into.pk == from_cluster.pk:
        raise ValidationError({"from_cluster": "These records are already linked"})
    refuse_if_restricted(actor=actor, records=[into, from_cluster])
    with transaction.atomic():
        Cluster.objects.select_for_update().filter(pk__in=[into.pk, from_cluster.pk]).exists()
        moved = _ids(from_cluster)
        kept = _ids(into)
        if not moved or not kept:
            raise ValidationError({"from_cluster": "An empty index entry cannot be linked"})
        SourceRecord.objects.filter(pk__in=moved).update(cluster=into)
        merge = Merge.objects.create(
            into=into,
            from_cluster=from_cluster,
            moved=moved,
            kept=kept,
            reason=reason,
            run=run,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="linkage.merge",
            obj=merge,
            purpose=purpose or Merge.Reason(reason).label,
            details={"into": str(into.pk), "moved": len(moved), "kept": len(kept)},
        )
    return merge


def blocking_merge(merge: Merge) -> Merge | None:
    """The later merge that carried this merge's records on, if any (undo it first)."""
    if not SourceRecord.objects.filter(pk__in=merge.moved).exclude(cluster=merge.into_id).exists():
        return None
    return (
        Merge.objects.filter(from_cluster=merge.into_id, undone_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def merge_undo(*, actor: Any, merge: Merge, reason: str = "") -> Merge:
    """Unlink: the records the merge moved go back to their own cluster, exactly."""
    errors: dict[str, str] = {}
    try:
        reason = clean_text(reason or "", label="Reason")
    except ValidationError as exc:
        errors["reason"] = exc.messages[0]
    if len(reason) > 2000:
        errors["reason"] = "Reason must be 2000 characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise ValidationError({"merge": "This link has already been undone"})
        Cluster.objects.select_for_update().filter(
            pk__in=[merge.into_id, merge.from_cluster_id]
        ).exists()
        here = set(
            str(pk)
            for pk in SourceRecord.objects.filter(
                pk__in=merge.moved, cluster=merge.into_id
            ).values_list("pk", flat=True)
        )
        if (
            here != set(merge.moved)
            or SourceRecord.objects.filter(cluster=merge.from_cluster_id).exists()
        ):
            raise ValidationError(
                {"merge": "A later link moved these records on: undo that link first"}
            )
        SourceRecord.objects.filter(pk__in=merge.moved).update(cluster=merge.from_cluster_id)
        merge.undone_at = timezone.now()
        merge.undone_by = actor if getattr(actor, "pk", None) else None
        merge.undo_reason = reason
        merge.save(update_fields=["undone_at", "undone_by", "undo_reason", "updated_at"])
        # A confirmed review that made this link no longer stands.
        ReviewPair.objects.filter(merge=merge).update(
            status=ReviewPair.Status.REJECTED, decided_at=merge.undone_at, reason=reason
        )
        audit_record(
            actor=actor,
            action="linkage.unmerge",
            obj=merge,
            purpose=reason or "Undid a link",
            details={"into": str(merge.into_id), "restored": len(merge.moved)},
        )
    return merge


def kept_apart() -> set[frozenset[str]]:
    """Pairs of records a person has decided are not the same (a rejected review, an undone
    link): automatic linkage never joins their clusters again."""
    apart: set[frozenset[str]] = set()
    for left, right in ReviewPair.objects.filter(status=ReviewPair.Status.REJECTED).values_list(
        "left_id", "right_id"
    ):
        apart.add(frozenset((str(left), str(right))))
    for moved, kept in Merge.objects.filter(undone_at__isnull=False).values_list("moved", "kept"):
        for a in moved:
            for b in kept:
                apart.add(frozenset((a, b)))
    return apart


def clusters_apart(
    members_a: Iterable[str], members_b: Iterable[str], apart: set[frozenset[str]]
) -> bool:
    if not apart:
        return False
    b = list(members_b)
    return any(frozenset((x, y)) in apart for x in members_a for y in b)
