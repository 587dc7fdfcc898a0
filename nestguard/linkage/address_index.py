"""The address register as the engine's `AddressIndex`: one per process, rebuilt only when
the register changes (docs/decisions/0042-address-matching-on-arrival.md).

Building the index reads every register address and weighs every street word, so an address
arriving on a referral or an agency's record must not pay for it each time. The index is kept
beside the register's fingerprint (how many register addresses there are, and when the
latest of them was written): an address added, changed or removed changes one of the two,
and one aggregate query tells an arrival whether the index it would use is still current.
The batch refresh uses the same index.

Building it reads every register address: about 30 s at 480,000 addresses on a busy machine.
So no request builds it (docs/decisions/0081-keyset-lists-and-indexes-outside-requests.md):
a request asks `ready_address_index()`, which answers the current index or None, and in the
latter case starts ONE build in a thread of its own (or the `linkage.build_address_index` job
builds it). A referral submitted meanwhile is saved without its match, its pages say that
address matching is warming up, and the build's end matches every referral left waiting
(`referral_addresses_catch_up`), each in its own short transaction. A process starts building
when it serves its first request (nestguard/wsgi.py), as the person index does (decision 0043).
With NESTGUARD_CANDIDATE_INDEX_BUILD = "inline" (the tests) the request builds and waits.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.signals import request_started
from django.db import connections
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


@dataclass(slots=True)
class _Cached:
    fingerprint: RegisterFingerprint
    index: AddressIndex
    # When the whole fingerprint (the count too) was last read and found equal to this
    # index's (time.monotonic): an arrival reads the count again only after
    # NESTGUARD_ADDRESS_RECOUNT_SECONDS (decision 0130).
    counted_at: float


log = logging.getLogger(__name__)

# What arrives while the index is built is matched when it is ready, looking back this far
# (what arrived while a process warmed up, across a restart or two). Anything older without a
# match is the batch run's (`address_matches_refresh`).
CATCH_UP_WINDOW = timedelta(days=1)

_lock = threading.Lock()  # guards _cached and _building; never held while building
_build_lock = threading.Lock()  # one build at a time in a process
_cached: _Cached | None = None
_building: threading.Thread | None = None
# What a build in the background does once it has published its index: match the referrals
# that arrived while there was none (set by `linkage.arrivals`, which may import services).
after_build: list[Callable[[], None]] = []


def register_addresses() -> QuerySet[Address]:
    """The register proper: addresses with a UPRN. Addresses typed on referrals that matched
    nothing have none, and are never offered as a match."""
    return Address.objects.filter(uprn__isnull=False)


def register_fingerprint() -> RegisterFingerprint:
    # Two queries, not one aggregate: alone, the latest time is read from the end of the
    # `updated_at` index and the count from the UPRN index; as one aggregate the databases
    # scan the table instead (on SQLite nine times slower at 100,000 addresses,
    # bench/places.py).
    return RegisterFingerprint(count=register_addresses().count(), latest=latest_change())


def latest_change() -> datetime | None:
    """When the latest register address was written: the cheap half of the fingerprint (one
    step from the end of an index), which every addition and change moves."""
    latest: datetime | None = register_addresses().aggregate(latest=Max("updated_at"))["latest"]
    return latest


def _recount_seconds() -> float:
    return float(getattr(settings, "NESTGUARD_ADDRESS_RECOUNT_SECONDS", 0))


def register_rows() -> list[dict[str, str]]:
    rows = register_addresses().values("uprn", "line1", "line2", "town", "postcode")
    return [{key: str(value or "") for key, value in row.items()} for row in rows]


def _current(fingerprint: RegisterFingerprint) -> AddressIndex | None:
    with _lock:
        if _cached is not None and _cached.fingerprint == fingerprint:
            _cached.counted_at = time.monotonic()
            return _cached.index
    return None


def _current_by_latest_change() -> AddressIndex | None:
    """The index held, when the register's latest change is still the one it was built
    after and its count was read recently; None when the whole fingerprint must be read.

    Counting the register reads every entry of an index (51 to 66 ms at 480,000 addresses,
    bench/README.md), while every address added or changed moves the latest change, read in
    one step. Only a removal leaves the latest change where it was and lowers the count, and
    nothing in Nestguard removes a register address (its keys are kept by referrals, cases
    and matches): a removal made outside (the shell, SQL) is seen within
    NESTGUARD_ADDRESS_RECOUNT_SECONDS, and an arrival matched meanwhile may name the
    removed UPRN, as one matched a moment before the removal would (decision 0130)."""
    with _lock:
        cached = _cached
    if cached is None or time.monotonic() - cached.counted_at >= _recount_seconds():
        return None
    return cached.index if cached.fingerprint.latest == latest_change() else None


def build_address_index() -> AddressIndex:
    """Build the index of the register as it stands now, unless the one held is current, and
    keep it. Slow at a borough's size: call it outside any request and any transaction (a
    thread, a job, a command, the batch). Builds wait for one another rather than run twice."""
    global _cached
    from nestguard.linkage.engine import AddressIndex

    with _build_lock:
        # Read the fingerprint before the rows: a change in between leaves an index newer than
        # its fingerprint, which costs one extra rebuild next time, never a stale answer.
        fingerprint = register_fingerprint()
        current = _current(fingerprint)
        if current is not None:
            return current
        index = AddressIndex.build(register_rows())
        with _lock:
            _cached = _Cached(fingerprint, index, counted_at=time.monotonic())
        return index


def address_index() -> AddressIndex:
    """The index of the register as it stands now, built here if need be: for the batch and
    commands, which may wait (a request asks `ready_address_index`)."""
    return _current(register_fingerprint()) or build_address_index()


def background() -> bool:
    # "shared" too: the person index's files say nothing of the address register's index.
    return bool(settings.NESTGUARD_CANDIDATE_INDEX_BUILD != "inline")


def ready_address_index() -> AddressIndex | None:
    """The current index, or None while it is being built (a build is started if none is
    going). In inline mode (the tests) it is built here and never None."""
    if not background():
        return address_index()
    current = _current_by_latest_change() or _current(register_fingerprint())
    if current is None:
        start_building()
    return current


def start_building() -> bool:
    """Start one build in a thread of its own unless one is going; True if started."""
    global _building
    with _lock:
        if _building is not None and _building.is_alive():
            return False
        _building = threading.Thread(target=_build_in_background, name="address-index-build")
        _building.daemon = True
        _building.start()
        return True


def _build_in_background() -> None:
    started = time.monotonic()
    try:
        build_address_index()
        log.info("Address index ready in %.1f s", time.monotonic() - started)
        for then in after_build:
            then()
    except Exception:
        log.exception("Building the address index failed; the next arrival starts it again")
    finally:
        connections.close_all()  # this thread's own connections


def wait_for_build(timeout: float | None = None) -> bool:
    """Block until the build in progress (if any) has finished (tests). False on timeout."""
    with _lock:
        building = _building
    if building is None:
        return True
    building.join(timeout)
    return not building.is_alive()


def warm_up() -> None:
    """Start building now in background mode (a web process's first request). Never raises."""
    if not background():
        return
    try:
        start_building()
    except Exception:
        log.exception("Could not start building the address index")


WARM_UP_UID = "nestguard.linkage.address_index.warm_up"


def warm_up_on_first_request() -> None:
    """Start building when this process serves its first request (nestguard/wsgi.py; why
    then, and not on import: docs/decisions/0043)."""
    request_started.connect(_first_request, dispatch_uid=WARM_UP_UID)


def _first_request(sender: Any, **kwargs: Any) -> None:
    request_started.disconnect(dispatch_uid=WARM_UP_UID)
    warm_up()


def forget_address_index() -> None:
    """Drop the in-memory index (tests that want a cold start)."""
    global _cached
    with _lock:
        _cached = None


def _reset_after_fork() -> None:
    global _lock, _build_lock, _building
    _lock = threading.Lock()
    _build_lock = threading.Lock()
    _building = None


os.register_at_fork(after_in_child=_reset_after_fork)
