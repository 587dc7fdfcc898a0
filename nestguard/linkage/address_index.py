"""The address register as the engine's `AddressIndex`: one per process, rebuilt only when
the register changes (docs/decisions/0042-address-matching-on-arrival.md).

Building the index reads every register address and weighs every street word, so an address
arriving on a referral or an agency's record must not pay for it each time. The index is kept
beside the register's fingerprint (how many register addresses there are, and when the
latest of them was written): an address added, changed or removed changes one of the two,
and one aggregate query tells an arrival whether the index it would use is still current.
The batch refresh uses the same index.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Max, QuerySet

from nestguard.places.models import Address

if TYPE_CHECKING:
    from nestguard.linkage.engine import AddressIndex


@dataclass(frozen=True, slots=True)
class RegisterFingerprint:
    """Cheap to read, and different whenever a register address is added, changed (`save`
    and the register import both stamp `updated_at`) or removed."""

    count: int
    latest: datetime | None


@dataclass(frozen=True, slots=True)
class _Cached:
    fingerprint: RegisterFingerprint
    index: AddressIndex


_lock = threading.Lock()
_cached: _Cached | None = None


def register_addresses() -> QuerySet[Address]:
    """The register proper: addresses with a UPRN. Addresses typed on referrals that matched
    nothing have none, and are never offered as a match."""
    return Address.objects.filter(uprn__isnull=False)


def register_fingerprint() -> RegisterFingerprint:
    # Two queries, not one aggregate: alone, the latest time is read from the end of the
    # `updated_at` index and the count from the UPRN index; as one aggregate the databases
    # scan the table instead (on SQLite nine times slower at 100,000 addresses,
    # bench/places.py).
    addresses = register_addresses()
    latest = addresses.aggregate(latest=Max("updated_at"))["latest"]
    return RegisterFingerprint(count=addresses.count(), latest=latest)


def register_rows() -> list[dict[str, str]]:
    rows = register_addresses().values("uprn", "line1", "line2", "town", "postcode")
    return [{key: str(value or "") for key, value in row.items()} for row in rows]


def address_index() -> AddressIndex:
    """The index of the register as it stands now; built on first use and after a change."""
    global _cached
    from nestguard.linkage.engine import AddressIndex

    # Read the fingerprint before the rows: a change in between leaves an index newer than its
    # fingerprint, which costs one extra rebuild next time, never a stale answer.
    fingerprint = register_fingerprint()
    with _lock:
        if _cached is None or _cached.fingerprint != fingerprint:
            _cached = _Cached(fingerprint, AddressIndex.build(register_rows()))
        return _cached.index


def forget_address_index() -> None:
    """Drop the in-memory index (tests that want a cold start)."""
    global _cached
    with _lock:
        _cached = None
