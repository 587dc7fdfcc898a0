"""Who has read or changed the person's records (the recipients, Art. 15(1)(c)): the audit
events about the person records found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access import door
from nestguard.audit import events
from nestguard.audit.models import AuditEvent
from nestguard.rights.sources import PURPOSE, Found, Subject, register_source, text


def _events(user: Any, subject: Subject) -> Iterator[Found]:
    found = (
        door.visible(user, AuditEvent, purpose=PURPOSE)
        .filter(object_type="person", object_id__in=[str(pk) for pk in subject.person_ids])
        .order_by("occurred_at", "id")
    )
    descriptions = {t.code: t.description for t in events.all_types()}
    lines = tuple(
        (
            text(event.occurred_at),
            f"{descriptions.get(event.action, event.action)} ({event.agency_label or 'Nestguard'};"
            f" purpose: {event.purpose or 'not recorded'})",
        )
        for event in found.iterator(chunk_size=500)
    )
    if lines:
        yield Found(
            object_type="auditevent",
            object_id=str(subject.person_id),
            title="Who has read or changed your person record",
            fields=lines,
        )


register_source("audit", "Record of access", _events, models=[AuditEvent])
