"""The candidate index each web process keeps for "is this person already known?"
(docs/decisions/0043-candidate-index-warm-up.md, and 0117 for the shared index).

With NESTGUARD_CANDIDATE_INDEX_BUILD = "shared" (the default) no web process builds it: the job
`linkage.build_person_index` (or `nestguard build_person_index`) writes it to files once per
model and record set (`person_index_files`), and each process maps the newest of its model
read-only (`open_for_version`) in a thread, as below: a second or so, instead of a build. While
there is none, lookups say the check is starting, the job is queued, and the process looks
again every NESTGUARD_PERSON_INDEX_CHECK_SECONDS; it also moves to a newer file when one is
written, and queues the job when it holds more than NESTGUARD_PERSON_INDEX_REBUILD_AFTER
records beside its file. What follows holds in every mode.

Building it reads every source record: about a minute at a million of them. So with
NESTGUARD_CANDIDATE_INDEX_BUILD = "background" (each process builds its own, as before the
shared index) no request ever waits for it:

- when no index is ready for the latest model, the first request that needs one starts ONE
  build in a thread of its own and is answered at once: the check is starting;
- while the index of a new model is built, lookups go on with the previous one, which is
  replaced only once the new one is complete: once a process has an index, it always has one;
- a build that fails is logged, lookups say the check is not available, and a request made
  NESTGUARD_CANDIDATE_INDEX_RETRY_SECONDS later starts it again;
- records received during a build are added as soon as it is done, and from then on at each
  lookup (`catch_up`: a cheap indexed check for newer records at every lookup, and a full
  count against the ids in the index every NESTGUARD_CANDIDATE_INDEX_RECONCILE_SECONDS).

With "inline" (the tests) the request that needs the index builds it and waits, as before.
"""

from __future__ import annotations

import enum
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.signals import request_started
from django.db import connections
from django.db.models import Max

from nestguard.linkage import matching, person_index_files
from nestguard.linkage.models import LinkageModelVersion, SourceRecord

if TYPE_CHECKING:
    from nestguard.linkage.engine import CandidateIndex

log = logging.getLogger(__name__)

# Seconds a client (the API's, the referral form's script) is asked to wait while the index
# is being built before asking again: a 503 costs one small query, and a small index is
# ready within seconds.
STARTING_RETRY_AFTER = 10
# New records are read in batches of this many (a large import lands all at once).
CATCH_UP_BATCH = 1000
# How far before the newest record already indexed the quick catch-up looks: a record is
# stamped when made and may be committed a little later (a long import commits at its end).
# Anything later still is found by the periodic full count.
RECENT_WINDOW = timedelta(minutes=15)
WARM_UP_UID = "nestguard.linkage.live_index.warm_up"
BUILD_JOB = "linkage.build_person_index"


class IndexStatus(enum.StrEnum):
    READY = "ready"
    NO_MODEL = "no_model"  # no linkage run yet, or a model this engine cannot read
    STARTING = "starting"  # being built: ask again shortly
    UNAVAILABLE = "unavailable"  # the last build failed: it is tried again after a pause


@dataclass(frozen=True)
class IndexAnswer:
    status: IndexStatus
    index: CandidateIndex | None = None
    version: str = ""
    retry_after: int = 0  # seconds, when STARTING or UNAVAILABLE


@dataclass
class BuiltIndex:
    """An engine index and its model's version; `source`, the files it maps, if shared."""

    version: str
    index: CandidateIndex
    # The newest record's stamp when last caught up, and when the ids were last counted.
    newest: datetime | None = None
    counted_at: float = -math.inf  # time.monotonic()
    source: Path | None = None
    checked_at: float = field(default_factory=time.monotonic)  # for a newer file
    # Two requests catching up at once would both add the same new records.
    catching_up: threading.Lock = field(default_factory=threading.Lock)


class ModelUnreadable(Exception):
    """The stored model is in a form this engine cannot read (an engine upgrade): lookups
    wait for the next linkage run to store it again, rather than fail."""


class IndexNotWritten(Exception):
    """No shared index of this model has been written yet: the job is queued, and lookups
    say the check is starting until it has been."""


def _model(version: str) -> Any:
    stored = LinkageModelVersion.objects.get(version=version)
    try:
        return matching.load_model(stored)
    except ValueError as exc:
        log.warning("stored linkage model %s cannot be read by this engine", version)
        raise ModelUnreadable(version) from exc


def build_for_version(version: str) -> BuiltIndex:
    """Every source record, indexed with the stored model `version`. Slow: never on a
    request in background mode."""
    from nestguard.linkage.engine import CandidateIndex

    model = _model(version)
    newest = _newest_stamp()  # before reading: whatever comes after is caught up
    records = matching.all_engine_records()
    built = BuiltIndex(version, CandidateIndex.build(records, model), newest=newest)
    catch_up(built)  # what arrived while the records were being indexed
    return built


def open_for_version(version: str) -> BuiltIndex:
    """Map the newest shared index written for the model `version` (about a second at a
    million records) and catch up with the records that arrived since it was written. With
    none written yet, queue the job that writes it and raise IndexNotWritten."""
    from nestguard.linkage.engine.shared_index import MappedCandidateIndex

    model = _model(version)
    found = person_index_files.newest_file(version)
    if found is None:
        queue_build()
        raise IndexNotWritten(version)
    try:
        index = MappedCandidateIndex.open(found.path, model)
    except (OSError, ValueError) as exc:
        # Deleted or replaced between listing and opening: the next check finds the newer.
        raise IndexNotWritten(version) from exc
    built = BuiltIndex(version, index, newest=found.newest, source=found.path)
    catch_up(built)  # what arrived after it was written
    return built


def load_for_version(version: str) -> BuiltIndex:
    """The index for `version` as the setting says: mapped from the shared files, or built."""
    return open_for_version(version) if shared() else build_for_version(version)


def queue_build() -> None:
    """Queue the job that writes the shared index (once: a waiting run is reused)."""
    from nestguard.jobs import enqueue_once

    try:
        enqueue_once(BUILD_JOB)
    except Exception:
        log.exception("Could not queue %s", BUILD_JOB)


def _newest_stamp() -> datetime | None:
    # An indexed MAX: well under a millisecond at a million records, where COUNT(*) takes
    # 60-100 ms on PostgreSQL (measured), too slow for every keystroke's lookup.
    newest: datetime | None = SourceRecord.objects.aggregate(newest=Max("created_at"))["newest"]
    return newest


def catch_up(built: BuiltIndex) -> None:
    """Add the records received since the index was built or last caught up.

    At every lookup: if a record newer than any seen has arrived, read the ids stamped from a
    little before the newest seen (RECENT_WINDOW) and add those not yet in the index. Every
    NESTGUARD_CANDIDATE_INDEX_RECONCILE_SECONDS, also count the records against the ids held
    (records are never deleted, so a count that differs means some are missing) and, if it
    differs, read every id. Comparing ids, not times, holds across a rebuild: whatever
    arrived while a new index was being built is found at its first catch-up."""
    with built.catching_up:
        newest = _newest_stamp()
        if newest != built.newest:
            recent = SourceRecord.objects.all()
            if built.newest is not None:
                recent = recent.filter(created_at__gte=built.newest - RECENT_WINDOW)
            _add_missing(built, recent.values_list("pk", flat=True))
            built.newest = newest
        reconcile = float(settings.NESTGUARD_CANDIDATE_INDEX_RECONCILE_SECONDS)
        if time.monotonic() - built.counted_at >= reconcile:
            built.counted_at = time.monotonic()
            if SourceRecord.objects.count() != len(built.index):
                _add_missing(built, SourceRecord.objects.values_list("pk", flat=True))


def _add_missing(built: BuiltIndex, ids: Iterable[Any]) -> None:
    missing = built.index.missing(str(pk) for pk in ids)
    for start in range(0, len(missing), CATCH_UP_BATCH):
        batch = SourceRecord.objects.filter(pk__in=missing[start : start + CATCH_UP_BATCH])
        for record in batch.only("pk", "agency_id", "system", *matching.ENGINE_COLUMNS):
            built.index.add(matching.to_engine(record))


@dataclass
class _Build:
    version: str
    generation: int
    done: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread = field(init=False)


@dataclass(frozen=True)
class _Failure:
    version: str
    at: float  # time.monotonic()
    unreadable: bool = False
    not_written: bool = False  # shared: no file yet; looked for again soon, not an error

    def pause(self) -> int:
        return _check_seconds() if self.not_written else _retry_seconds()


def _retry_seconds() -> int:
    return int(settings.NESTGUARD_CANDIDATE_INDEX_RETRY_SECONDS)


def _check_seconds() -> int:
    return int(settings.NESTGUARD_PERSON_INDEX_CHECK_SECONDS)


class CandidateIndexKeeper:
    """One process's candidate index, and the build that will replace it.

    `build` makes an index for a model version (`load_for_version`: maps the shared files or
    builds; the tests of the background mode wrap `build_for_version` to hold it at a point
    of their choosing)."""

    def __init__(self, build: Callable[[str], BuiltIndex] = load_for_version) -> None:
        self._build = build
        self.reset()

    def reset(self) -> None:
        """Start afresh. Also run in a child process after fork(): a thread does not survive
        it, and a lock another thread held at that moment would stay locked for ever."""
        self._lock = threading.Lock()  # guards the fields below; never held while building
        self._inline = threading.Lock()  # inline builds queue here, one at a time
        self._current: BuiltIndex | None = None
        self._running: _Build | None = None
        self._failure: _Failure | None = None
        self._generation = 0  # a build started before `forget` must not publish after it
        self.builds_started = 0

    def get(self, version: str | None, *, background: bool) -> IndexAnswer:
        """The index for the model `version` (the latest stored), or why there is none yet.
        Touches the database only to catch up an index it has (and, inline, to build)."""
        if version is None:
            return IndexAnswer(IndexStatus.NO_MODEL)
        if background:
            return self._get_in_background(version)
        return self._get_inline(version)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the build in progress (if any) has finished and been published, for
        the tests. False if it is still going after `timeout`."""
        with self._lock:
            running = self._running
        return running is None or running.done.wait(timeout)

    def forget(self) -> None:
        """Drop the index (tests). A build still in progress will not publish its result."""
        with self._lock:
            self._generation += 1
            self._current = None
            self._running = None
            self._failure = None
            self.builds_started = 0

    # -- inline: the request builds, as before -------------------------------------------

    def _get_inline(self, version: str) -> IndexAnswer:
        with self._inline:
            current = self._current
            if current is None or current.version != version:
                try:
                    current = self._build(version)
                except ModelUnreadable:
                    return IndexAnswer(IndexStatus.NO_MODEL)
                with self._lock:
                    self._current = current
            else:
                catch_up(current)
        return IndexAnswer(IndexStatus.READY, current.index, current.version)

    # -- background: a thread builds, requests never wait ----------------------------------

    def _get_in_background(self, version: str) -> IndexAnswer:
        with self._lock:
            current = self._current
            if current is None or current.version != version:
                self._start_unless_running(version)
                if current is None:
                    return self._waiting(version)
        # The index in hand, even one of an older model while the new one is being built.
        catch_up(current)
        if current.source is not None and current.version == version:
            self._check_for_newer(current)
        return IndexAnswer(IndexStatus.READY, current.index, current.version)

    def _check_for_newer(self, current: BuiltIndex) -> None:
        """Shared mode, now and then: move to a newer file of the same model when one has
        been written, and ask for one when many records are held beside the file."""
        now = time.monotonic()
        if now - current.checked_at < _check_seconds():
            return
        current.checked_at = now
        newest = person_index_files.newest_file(current.version)
        if newest is not None and newest.path != current.source:
            with self._lock:
                self._start_unless_running(current.version)
        elif getattr(current.index, "added", 0) > settings.NESTGUARD_PERSON_INDEX_REBUILD_AFTER:
            queue_build()

    def _is_running(self) -> bool:
        return self._running is not None and self._running.thread.is_alive()

    def _start_unless_running(self, version: str) -> None:
        """Start a build of `version` unless one is going (of whatever version: one at a time,
        for memory; the next request after it starts the newer one) or it failed lately."""
        if self._is_running():
            return
        failure = self._failure
        if (
            failure is not None
            and failure.version == version
            and time.monotonic() - failure.at < failure.pause()
        ):
            return
        build = _Build(version, self._generation)
        build.thread = threading.Thread(
            target=self._run, args=(build,), name="candidate-index-build", daemon=True
        )
        self._running = build
        self.builds_started += 1
        build.thread.start()

    def _waiting(self, version: str) -> IndexAnswer:
        failure = self._failure
        if failure is not None and failure.not_written and failure.version == version:
            return IndexAnswer(IndexStatus.STARTING, retry_after=STARTING_RETRY_AFTER)
        if not self._is_running() and failure is not None and failure.version == version:
            left = _retry_seconds() - (time.monotonic() - failure.at)
            status = IndexStatus.NO_MODEL if failure.unreadable else IndexStatus.UNAVAILABLE
            return IndexAnswer(status, retry_after=max(1, math.ceil(left)))
        return IndexAnswer(IndexStatus.STARTING, retry_after=STARTING_RETRY_AFTER)

    def _run(self, build: _Build) -> None:
        started = time.monotonic()
        try:
            built = self._build(build.version)
        except ModelUnreadable:
            self._finish(build, failure=_Failure(build.version, time.monotonic(), True))
        except IndexNotWritten:
            log.info("No shared person index for model %s yet: the job is queued", build.version)
            failure = _Failure(build.version, time.monotonic(), not_written=True)
            self._finish(build, failure=failure)
        except Exception:
            log.exception(
                "Building the candidate index for model %s failed: lookups say the check is "
                "not available, and a request after %s s starts the build again",
                build.version,
                _retry_seconds(),
            )
            self._finish(build, failure=_Failure(build.version, time.monotonic()))
        else:
            log.info(
                "Candidate index for model %s ready: %d records in %.1f s%s",
                build.version,
                len(built.index),
                time.monotonic() - started,
                f" (mapped from {built.source.name})" if built.source else "",
            )
            self._finish(build, built=built)
        finally:
            connections.close_all()  # this thread's own connections
            build.done.set()

    def _finish(
        self, build: _Build, *, built: BuiltIndex | None = None, failure: _Failure | None = None
    ) -> None:
        with self._lock:
            if build.generation != self._generation:
                return  # forgotten meanwhile
            if built is not None:
                self._current = built  # the swap: the previous index goes only now
                self._failure = None
            else:
                self._failure = failure
            if self._running is build:
                self._running = None


# The keeper of this process (tests may put one of their own in its place).
keeper = CandidateIndexKeeper()
os.register_at_fork(after_in_child=lambda: keeper.reset())


def background() -> bool:
    """Requests never build (both "shared" and "background"): a thread opens or builds."""
    return bool(settings.NESTGUARD_CANDIDATE_INDEX_BUILD != "inline")


def shared() -> bool:
    return bool(settings.NESTGUARD_CANDIDATE_INDEX_BUILD == "shared")


def candidate_index() -> IndexAnswer:
    """The engine's CandidateIndex, kept current, or why there is none yet."""
    return keeper.get(matching.latest_model_label(), background=background())


def wait_for_build(timeout: float | None = None) -> bool:
    return keeper.wait(timeout)


def forget_index() -> None:
    keeper.forget()


def discard_index_after_disposal() -> None:
    """A disposal rewrote records in place: the shared files (and this process's copy) still
    hold what they said, so the files are deleted, their writing queued, and this process
    forgets its copy (decision 0117)."""
    if shared():
        person_index_files.discard_all()
        queue_build()
    forget_index()


def warm_up() -> None:
    """In the shared or background mode, start opening (or building) now so that the index
    is ready by the time someone asks. Never raises: a web process serves its requests
    whatever the state of the person index (a database not migrated yet, say)."""
    if not background():
        return
    try:
        keeper.get(matching.latest_model_label(), background=True)
    except Exception:
        log.exception("Could not start building the candidate index")


def warm_up_on_first_request() -> None:
    """Start the warm-up when this process serves its first request (nestguard/wsgi.py;
    why then, and not on import: docs/decisions/0043)."""
    request_started.connect(_first_request, dispatch_uid=WARM_UP_UID)


def _first_request(sender: Any, **kwargs: Any) -> None:
    request_started.disconnect(dispatch_uid=WARM_UP_UID)
    warm_up()
