"""Reading the audit trail: only auditors, and every search is itself audited (by the view)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet

from nestguard.audit import events
from nestguard.audit.models import AuditEvent
from nestguard.core.calendar import UK


def audit_events_matching(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    events_qs = AuditEvent.objects.select_related("actor", "agency", "sharing_agreement").order_by(
        "-id"
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
