"""The case chronology. Every service that changes a case adds an event here; workers add notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from nestguard.cases.models import Case, ChronologyEntry, ChronologyKind


def chronology_event(
    *, case: Case, text: str, actor: Any = None, occurred_at: datetime | None = None
) -> ChronologyEntry:
    """Record that something happened to the case. Call inside the caller's transaction."""
    author = actor if actor is not None and getattr(actor, "pk", None) else None
    return ChronologyEntry.objects.create(
        case=case,
        kind=ChronologyKind.EVENT,
        text=text,
        author=author,
        agency_id=getattr(author, "agency_id", None),
        occurred_at=occurred_at or timezone.now(),
    )
