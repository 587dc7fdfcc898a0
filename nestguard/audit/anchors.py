"""Anchors: the chain's latest position and hash, copied outside the database.

Someone with direct database access can drop the append-only triggers, delete the last
events, or rebuild every hash. An anchor they cannot reach (a write-once mount, another
host's storage) keeps what the chain was, and `nestguard audit_verify` compares the chain
with every anchor (docs/decisions/0076-keyed-audit-chain-and-anchors.md).

Each anchor is a new file under NESTGUARD_AUDIT_ANCHOR_DIR, created exclusively and never
rewritten: one JSON line with the event id, its hash, and the first keyed event's id.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from nestguard.audit.models import AuditEvent, HashScheme

ANCHOR_GLOB = "anchor-*.jsonl"


class AnchorError(Exception):
    """An anchor file that cannot be read: verification fails rather than skipping it."""


@dataclass(frozen=True)
class Anchor:
    event_id: int
    hash: str
    # The first event hashed under the key: no unkeyed event may follow it.
    keyed_from: int | None
    anchored_at: str
    source: str = ""


def anchor_dir() -> Path:
    directory = getattr(settings, "NESTGUARD_AUDIT_ANCHOR_DIR", None)
    if not directory:
        raise ImproperlyConfigured("NESTGUARD_AUDIT_ANCHOR_DIR must name the anchors' folder")
    return Path(directory)


def anchor_write(at: datetime | None = None) -> Anchor | None:
    """Anchor the latest event in a new file; None when the chain is still empty."""
    latest = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if latest is None:
        return None
    keyed_from = (
        AuditEvent.objects.exclude(hash_scheme=HashScheme.SHA256)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    when = (at or timezone.now()).astimezone(UTC)
    anchor = Anchor(latest["id"], latest["hash"], keyed_from, when.isoformat())
    directory = anchor_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"anchor-{anchor.event_id:015d}-{when:%Y%m%dT%H%M%S%fZ}.jsonl"
    line = json.dumps(
        {
            "event_id": anchor.event_id,
            "hash": anchor.hash,
            "keyed_from": anchor.keyed_from,
            "anchored_at": anchor.anchored_at,
        },
        sort_keys=True,
    )
    # O_EXCL: an anchor is never written over, even by a second run in the same instant.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return Anchor(anchor.event_id, anchor.hash, keyed_from, anchor.anchored_at, path.name)


def _parse(line: str, source: str) -> Anchor:
    try:
        raw = json.loads(line)
        keyed_from = raw.get("keyed_from")
        return Anchor(
            int(raw["event_id"]),
            str(raw["hash"]),
            int(keyed_from) if keyed_from is not None else None,
            str(raw.get("anchored_at", "")),
            source,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnchorError(f"anchor file {source} cannot be read: {exc}") from exc


def anchors_read() -> list[Anchor]:
    """Every anchor written so far, oldest position first; none when the folder is absent."""
    directory = anchor_dir()
    if not directory.is_dir():
        return []
    anchors = []
    for path in sorted(directory.glob(ANCHOR_GLOB)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                anchors.append(_parse(line, path.name))
    return sorted(anchors, key=lambda a: a.event_id)
