"""The shared person index's files (docs/decisions/0117-one-person-index-for-all-web-processes.md).

The candidate index of "is this person already known?" is written once per model and record
set, by the job `linkage.build_person_index` (queued at the end of a linkage run, and by a web
process that finds none) or `nestguard build_person_index`, into a directory of its own under
NESTGUARD_PERSON_INDEX_DIR: `<model version>.<written at>.<fingerprint>/`. Web processes map
the newest directory of their model read-only (`live_index`) and keep in memory only the
records that arrived after it was written.

A directory appears whole (written under a temporary name, then renamed) and is never
changed. Older ones are deleted once a newer one is written: a process that still maps one
keeps reading it (POSIX frees a file's pages only when its last mapping goes), and looks for
the newest at its next check.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from nestguard.linkage import matching
from nestguard.linkage.models import SourceRecord

log = logging.getLogger(__name__)

# Directories kept: the newest, and the one before it for a process that has yet to move on.
KEEP = 2
# A temporary directory this old was left by a writer that died: removed by the next writer.
STALE_SECONDS = 24 * 3600


def index_directory() -> Path:
    return Path(settings.NESTGUARD_PERSON_INDEX_DIR)


def fingerprint(records: Iterable[str]) -> str:
    """Which records an index holds, and as what: a digest of "id:content fingerprint" for
    each (`record_contents`). A disposal rewrites a record in place under the same id and a
    new content fingerprint, so an index written before it no longer matches and the next
    build writes it again without the disposed names and dates of birth."""
    digest = hashlib.sha256()
    for record_id in sorted(records):
        digest.update(record_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class IndexFile:
    path: Path
    model_version: str
    fingerprint: str
    records: int
    written_at: str
    newest: datetime | None  # the newest record's stamp when it was written

    @property
    def name(self) -> str:
        return self.path.name


def _read(path: Path) -> IndexFile | None:
    from nestguard.linkage.engine.shared_index import read_manifest

    manifest = read_manifest(path)
    if manifest is None:
        return None
    newest = manifest.get("newest")
    return IndexFile(
        path=path,
        model_version=str(manifest["model_version"]),
        fingerprint=str(manifest.get("fingerprint", "")),
        records=int(manifest["records"]),
        written_at=str(manifest["written_at"]),
        newest=datetime.fromisoformat(newest) if newest else None,
    )


def index_files() -> list[IndexFile]:
    """Every whole index in the directory, newest first."""
    directory = index_directory()
    if not directory.is_dir():
        return []
    found = [
        f
        for path in directory.iterdir()
        if path.is_dir() and not path.name.startswith(".")
        if (f := _read(path)) is not None
    ]
    return sorted(found, key=lambda f: f.written_at, reverse=True)


def newest_file(version: str) -> IndexFile | None:
    """The newest whole index written for the model `version`, if any."""
    return next((f for f in index_files() if f.model_version == version), None)


@dataclass(frozen=True)
class BuildResult:
    file: IndexFile
    built: bool  # False: the same model and records were already written
    seconds: float
    bytes: int


class NoModel(Exception):
    """No stored model, or one this engine cannot read: nothing to write."""


def build_index_file(*, force: bool = False) -> BuildResult:
    """Write the index of every source record for the latest model, unless one of the same
    model and records is there already (`force` writes it again). Slow (about a minute at a
    million records): the job queue or a command, never a request."""
    from nestguard.linkage.engine.shared_index import write_index

    stored = matching.latest_model_version()
    if stored is None or not matching.readable(stored):
        raise NoModel
    model = matching.load_model(stored)
    started = time.monotonic()
    # Taken before reading: whatever is stamped later, a web process catches up itself.
    newest = SourceRecord.objects.order_by("-created_at").values_list("created_at", flat=True)
    newest_stamp = newest.first()
    current = fingerprint(record_contents().values())
    existing = next(
        (f for f in index_files() if (f.model_version, f.fingerprint) == (model.version, current)),
        None,
    )
    if existing is not None and not force:
        return BuildResult(existing, False, time.monotonic() - started, _size(existing.path))
    records = matching.all_engine_records()
    contents = record_contents()
    # What is written, if more came since.
    held = fingerprint(contents.get(r.record_id, r.record_id) for r in records)
    written_at = datetime.now(UTC)
    name = f"{model.version}.{written_at:%Y%m%dT%H%M%S%fZ}.{held}"
    written = write_index(
        records,
        model,
        index_directory(),
        name=name,
        manifest={
            "fingerprint": held,
            "newest": newest_stamp.isoformat() if newest_stamp else None,
            "model_stored_at": stored.created_at.isoformat(),
        },
    )
    prune()
    file = _read(written.path)
    assert file is not None  # just written whole
    log.info("person index %s written: %d records", written.path.name, written.records)
    return BuildResult(file, True, time.monotonic() - started, written.bytes)


def record_contents() -> dict[str, str]:
    """Each source record's "id:content fingerprint", by id: what `fingerprint` digests."""
    rows = SourceRecord.objects.values_list("pk", "fingerprint")
    return {str(pk): f"{pk}:{content}" for pk, content in rows}


def discard_all() -> list[str]:
    """Delete every written index (a disposal: the files hold what the records said). A
    process that maps one keeps its pages until it moves to the next file; new ones wait."""
    gone = []
    for file in index_files():
        shutil.rmtree(file.path, ignore_errors=True)
        gone.append(file.name)
    return gone


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir())


def prune() -> list[str]:
    """Delete all but the KEEP newest indexes, and temporary directories left by a writer
    that died long ago. Returns the names deleted."""
    gone = []
    for old in index_files()[KEEP:]:
        shutil.rmtree(old.path, ignore_errors=True)
        gone.append(old.name)
    for temporary in _temporaries():
        if time.time() - temporary.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(temporary, ignore_errors=True)
            gone.append(temporary.name)
    return gone


def _temporaries() -> Iterator[Path]:
    directory = index_directory()
    if directory.is_dir():
        yield from (p for p in directory.iterdir() if p.name.startswith(".") and p.is_dir())
