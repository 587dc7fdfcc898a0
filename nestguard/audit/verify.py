"""Walking the chain: every event must follow its predecessor, hash to what it says under
its scheme's rule (keyed, or plain SHA-256 for events from before the key), and agree with
every anchor kept outside the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nestguard.audit.anchors import Anchor
from nestguard.audit.models import AuditEvent, HashScheme
from nestguard.audit.services import GENESIS_HASH, audit_key, expected_hash, payload_digest


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str
    anchors_compared: int = 0

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def _compare_anchors(
    anchors: Sequence[Anchor], seen: dict[int, str], checked: int, last_id: int | None
) -> ChainReport:
    for anchor in sorted(anchors, key=lambda a: a.event_id):
        if anchor.event_id not in seen:
            return ChainReport(
                checked,
                anchor.event_id,
                f"was anchored ({anchor.source}) but no longer exists: the chain now ends at "
                f"{last_id if last_id is not None else 'no event'}",
                len(anchors),
            )
        if seen[anchor.event_id] != anchor.hash:
            return ChainReport(
                checked,
                anchor.event_id,
                f"its hash differs from its anchor ({anchor.source}): the chain was rebuilt",
                len(anchors),
            )
    return ChainReport(checked, None, "intact", len(anchors))


def _payload_matches(event: AuditEvent, key: bytes) -> bool:
    """An unredacted payload must match the digest the chain binds; a redacted one is gone
    on purpose (decision 0105) and only its digest remains, still bound by the chain."""
    if event.hash_scheme != HashScheme.HMAC_SHA256_PAYLOAD_DIGEST:
        return event.redacted_at is None
    if event.redacted_at is not None:
        return True
    return payload_digest(event, key) == event.payload_digest


def verify_chain(
    batch_size: int = 5000, anchors: Sequence[Anchor] = (), using: str = "default"
) -> ChainReport:
    """Walk the chain of the database `using` (another alias: a restored copy, decision 82)."""
    key = audit_key()
    wanted = {a.event_id for a in anchors}
    keyed_from = min((a.keyed_from for a in anchors if a.keyed_from is not None), default=None)
    seen: dict[int, str] = {}
    expected_prev = GENESIS_HASH
    checked = 0
    keyed_seen = False
    last_id: int | None = None
    for event in AuditEvent.objects.using(using).order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "does not follow the event before it")
        if event.hash_scheme == HashScheme.SHA256 and (
            keyed_seen or (keyed_from is not None and event.id >= keyed_from)
        ):
            return ChainReport(checked, event.id, "is hashed without the key after keying began")
        try:
            matches = expected_hash(event, key) == event.hash
        except ValueError:
            return ChainReport(checked, event.id, f"has an unknown scheme {event.hash_scheme!r}")
        if not matches:
            return ChainReport(checked, event.id, "its contents do not match its hash")
        if not _payload_matches(event, key):
            return ChainReport(checked, event.id, "its payload does not match its digest")
        keyed_seen = keyed_seen or event.hash_scheme != HashScheme.SHA256
        if event.id in wanted:
            seen[event.id] = event.hash
        expected_prev = event.hash
        checked += 1
        last_id = event.id
    return _compare_anchors(anchors, seen, checked, last_id)
