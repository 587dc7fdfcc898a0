"""Recording audit events: the only code that writes to the audit table.

Call `audit_record` inside the transaction of the change it records, so that the change and
its record commit or fail together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from nestguard.audit import events
from nestguard.audit.disclosure import DisclosureBasis
from nestguard.audit.models import AuditEvent, HashScheme

GENESIS_HASH = "0" * 64
# A fixed key for PostgreSQL's advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_317_001


def audit_key() -> bytes:
    """The chain's key, from the environment through settings; never stored in the database."""
    key = getattr(settings, "NESTGUARD_AUDIT_KEY", "")
    if not key:
        raise ImproperlyConfigured("NESTGUARD_AUDIT_KEY must be set to record or verify audit")
    return str(key).encode()


def event_hash(
    prev_hash: str,
    fields: dict[str, Any],
    *,
    scheme: str = HashScheme.HMAC_SHA256,
    key: bytes | None = None,
) -> str:
    """The hash of one event: its predecessor's hash and its own fields, canonically encoded,
    by the event's scheme (a keyed HMAC; plain SHA-256 only for events written before)."""
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    message = f"{prev_hash}|{payload}".encode()
    if scheme == HashScheme.SHA256:
        return hashlib.sha256(message).hexdigest()
    if scheme in (HashScheme.HMAC_SHA256, HashScheme.HMAC_SHA256_PAYLOAD_DIGEST):
        return hmac.new(key or audit_key(), message, hashlib.sha256).hexdigest()
    raise ValueError(f"unknown audit hash scheme {scheme!r}")


def payload_digest(event: AuditEvent, key: bytes | None = None) -> str:
    """The keyed digest of what a redaction may remove: the object's label and the details."""
    payload = json.dumps(
        {"object_label": event.object_label, "details": event.details},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hmac.new(key or audit_key(), f"payload|{payload}".encode(), hashlib.sha256).hexdigest()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor": str(event.actor_id) if event.actor_id else "",
        "actor_label": event.actor_label,
        "agency": str(event.agency_id) if event.agency_id else "",
        "agency_label": event.agency_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "purpose": event.purpose,
        "lawful_basis": event.lawful_basis,
        "details": event.details,
    }
    if event.hash_scheme != HashScheme.SHA256:
        # Keyed events also bind their scheme (no quiet downgrade) and their agreement.
        fields["hash_scheme"] = event.hash_scheme
        fields["sharing_agreement"] = (
            str(event.sharing_agreement_id) if event.sharing_agreement_id else ""
        )
    if event.hash_scheme == HashScheme.HMAC_SHA256_PAYLOAD_DIGEST:
        # The chain binds the payload's digest, not the payload (decision 0105).
        del fields["object_label"], fields["details"]
        fields["payload_digest"] = event.payload_digest
    return fields


def expected_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """What `event.hash` must be, by the rule of the event's own scheme."""
    return event_hash(event.prev_hash, hashed_fields(event), scheme=event.hash_scheme, key=key)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite runs every write transaction as IMMEDIATE (see settings), which already
    # serialises writers.


def _last_hash() -> str:
    """The newest event's hash. Plain SQL: it runs while the chain is locked, where every
    bit of Python work is waited on by every other writer (decision 0124)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return str(row[0]) if row else GENESIS_HASH


def _storable(value: Any) -> Any:
    """NUL cannot be stored in PostgreSQL text or jsonb; drop it on every database alike so
    that an event hashes the same wherever it is kept."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


def _label(obj: Any) -> str:
    for attr in ("audit_label", "reference"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)[:200]
    return ""


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    purpose: str = "",
    lawful_basis: str = "",
    details: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    sharing_agreement: Any = None,
    basis: DisclosureBasis | None = None,
) -> AuditEvent:
    """Append one event to the chain. `actor` is a user or None (the system itself).

    An event that shows one agency's information to another passes the `basis` it relied on
    (see `nestguard.audit.disclosure`), or `sharing_agreement` and `lawful_basis` directly.
    """
    events.get(action)  # refuses unregistered actions
    if basis is not None:
        sharing_agreement = basis.sharing_agreement
        lawful_basis = basis.lawful_basis
        details = {**(details or {}), **basis.details()}
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
        object_label = object_label or _label(obj)
    agency = getattr(actor, "agency", None) if actor is not None else None
    # Everything that does not depend on the chain is prepared before the chain is locked:
    # the lock is the database's write lock on SQLite, which every other writer waits for.
    event = AuditEvent(
        occurred_at=occurred_at or timezone.now(),  # stamped again below, once locked
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.get_username() if actor is not None else "system")[:200],
        agency=agency,
        agency_label=str(agency)[:200] if agency else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=_storable(object_label)[:200],
        purpose=_storable(purpose)[:500],
        lawful_basis=lawful_basis,
        details=_storable(details or {}),
        sharing_agreement=sharing_agreement,
        hash_scheme=HashScheme.HMAC_SHA256_PAYLOAD_DIGEST,
    )
    event.payload_digest = payload_digest(event)
    key = audit_key()
    with transaction.atomic():
        _lock_chain()
        # Stamped once the chain is ours, so that events' times follow their order.
        event.occurred_at = occurred_at or timezone.now()
        event.prev_hash = _last_hash()
        event.hash = expected_hash(event, key)
        event.save(force_insert=True)
    return event


def audit_record_reads(
    *, actor: Any, action: str, objects: Iterable[Any], purpose: str = ""
) -> list[AuditEvent]:
    """One read event per record shown (a list page showing people records each look)."""
    return [audit_record(actor=actor, action=action, obj=obj, purpose=purpose) for obj in objects]
