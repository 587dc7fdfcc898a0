"""Reading the audit trail: what auditors may see (`access_policy.py`), searched; the view
records each search through the door."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.audit import events
from nestguard.audit.models import AuditEvent, ChainCheck
from nestguard.core.calendar import UK


def audit_events_matching(user: Any, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    events_qs = (
        door.visible(user, AuditEvent, purpose="audit")
        .select_related("actor", "agency", "sharing_agreement")
        .order_by("-id")
    )
    if filters.get("actor"):
        events_qs = events_qs.filter(actor_label__iexact=filters["actor"])
    if filters.get("searched_for"):
        # Lookups record the name searched for in lower case (docs/decisions/0072).
        name = " ".join(filters["searched_for"].split()).casefold()
        events_qs = events_qs.filter(details__searched_name__icontains=name)
    if filters.get("object_type"):
        events_qs = events_qs.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        events_qs = events_qs.filter(object_id=filters["object_id"].strip())
    if filters.get("action"):
        events_qs = events_qs.filter(action=filters["action"])
    if filters.get("sharing_agreement"):
        events_qs = events_qs.filter(sharing_agreement=filters["sharing_agreement"])
    if filters.get("reads_only"):
        reads = [t.code for t in events.all_types() if t.reads_personal_data]
        events_qs = events_qs.filter(action__in=reads)
    if filters.get("date_from"):
        events_qs = events_qs.filter(
            occurred_at__gte=datetime.combine(filters["date_from"], time.min, UK)
        )
    if filters.get("date_to"):
        end = datetime.combine(filters["date_to"] + timedelta(days=1), time.min, UK)
        events_qs = events_qs.filter(occurred_at__lt=end)
    return events_qs


def latest_chain_checks(limit: int) -> list[ChainCheck]:
    """The latest daily verifications of the chain, newest first (no personal data)."""
    return list(ChainCheck.objects.order_by("-checked_at", "-id")[:limit])
