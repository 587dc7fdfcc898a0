"""Walking the chain: every event must follow its predecessor and hash to what it says."""

from __future__ import annotations

from dataclasses import dataclass

from nestguard.audit.models import AuditEvent
from nestguard.audit.services import GENESIS_HASH, event_hash, hashed_fields


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "does not follow the event before it")
        if event_hash(event.prev_hash, hashed_fields(event)) != event.hash:
            return ChainReport(checked, event.id, "its contents do not match its hash")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked, None, "intact")
