"""The candidate index as files that every web process maps read-only (decision 0117).

`write_index` turns the source records into a directory of plain arrays, written once by the
job queue or a command; `MappedCandidateIndex.open` maps them read-only. The operating system
keeps one copy of the file's pages for every process on the machine, so a web process adds
only what it decodes, and opens in well under a second instead of building for a minute.

The layout (numpy `.npy` files, opened with `mmap_mode="r"`, and raw UTF-8 blobs):

- `codes.npy`: one row of int32 codes per record, a column per feature (FEATURE_COLUMNS);
  code 0 is "missing". A row is 112 bytes in one place, so a candidate costs one page read.
- `values-<column>.offsets.npy` + `values-<column>.bin`: each column's distinct values, the
  value of code c being bin[offsets[c]:offsets[c + 1]] (gn_groups joined by U+001F).
- `keys.npy` (sorted distinct blocking-key digests), `key_starts.npy` and
  `key_positions.npy`: the records holding each key, in the order they were given (CSR), so
  that a key's first MAX_PER_KEY records are the same as in `CandidateIndex`.
- `ids.npy` (record ids, fixed-width bytes, by position) and `ids_order.npy` (positions
  sorted by id), so a record id is found by bisection without a dictionary in memory.
- `tf-<column>.npy`: how many records hold each value of a term-frequency column.
- `manifest.json`: format, model version, record count, the record set's fingerprint and
  whatever the caller adds; written last, so a directory without one is not an index.

The directory is written under a temporary name and renamed into place (atomic on one file
system): a reader sees a whole index or none. Scoring is `CandidateIndex.score`, unchanged:
the same features, levels, weights and term-frequency shares as the batch.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import mmap
import os
import shutil
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .candidates import MAX_PER_KEY, CandidateIndex, _hashes
from .model import LinkageModel
from .normalise import FEATURE_COLUMNS, Features, features
from .records import SourceRecord

FORMAT = 1
MANIFEST = "manifest.json"
GROUP_SEPARATOR = "\x1f"
# Columns with at most this many distinct values are decoded into a list when the index is
# opened (names, dates, towns: a few MB); the others (addresses, phones, identifiers) are
# decoded value by value for the candidates of each lookup.
DECODE_AT_OPEN = 100_000
_LIST_COLUMNS = frozenset({"gn_groups"})


def stable_key(key: tuple[object, ...]) -> int:
    """A blocking key's 64-bit digest, the same in every process and on every machine."""
    text = GROUP_SEPARATOR.join(map(str, key))
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _encode(column: str, value: Any) -> str:
    if column in _LIST_COLUMNS:
        return GROUP_SEPARATOR.join(value)
    return str(value)


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrittenIndex:
    path: Path
    records: int
    keys: int
    bytes: int


def write_index(
    records: Iterable[SourceRecord],
    model: LinkageModel,
    directory: Path,
    *,
    name: str,
    manifest: dict[str, Any] | None = None,
) -> WrittenIndex:
    """Write the index of `records` for `model` as `directory/name`, atomically. Memory is
    about a third of an in-memory CandidateIndex's: codes and keys go into typed arrays."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / name
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        written = _write(records, model, temporary, manifest or {})
        os.replace(temporary, final)  # a whole index appears, or none
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return WrittenIndex(final, written[0], written[1], _size(final))


def _write(
    records: Iterable[SourceRecord], model: LinkageModel, path: Path, extra: dict[str, Any]
) -> tuple[int, int]:
    rows: list[tuple[Any, ...]] = []
    keys = array("q")
    positions = array("i")
    ids: list[bytes] = []
    seen: set[str] = set()
    rules = model.blocking_rules
    for position, record in enumerate(records):
        if record.record_id in seen:
            raise ValueError(f"record_id {record.record_id!r} appears twice")
        seen.add(record.record_id)
        ids.append(record.record_id.encode("utf-8"))
        row = features(record)
        rows.append(tuple(row.values()))  # FEATURE_COLUMNS order
        hashes = _hashes(rules, row, query_side=False, digest=stable_key)
        keys.extend(hashes)
        positions.extend([position] * len(hashes))
    del seen
    count = len(ids)
    codes = np.zeros((count, len(FEATURE_COLUMNS)), dtype=np.int32)
    for j, column in enumerate(FEATURE_COLUMNS):
        values = _column(rows, j, column)
        held, distinct = _factorize(values)
        codes[:, j] = held
        _write_values(path, column, distinct)
        if column in model.term_frequency_columns:
            counts = np.bincount(held, minlength=len(distinct) + 1)
            counts[0] = 0  # missing is not a value
            np.save(path / f"tf-{column}.npy", counts.astype(np.int64))
    del rows
    np.save(path / "codes.npy", codes)
    del codes
    key_array = np.frombuffer(keys, dtype=np.int64)
    order = np.argsort(key_array, kind="stable")  # stable: a key's records in given order
    sorted_keys = key_array[order]
    unique, starts = np.unique(sorted_keys, return_index=True)
    np.save(path / "keys.npy", unique)
    np.save(path / "key_starts.npy", np.append(starts, len(sorted_keys)).astype(np.int64))
    np.save(path / "key_positions.npy", np.frombuffer(positions, dtype=np.int32)[order])
    del order, sorted_keys
    id_array = np.array(ids, dtype=f"S{max((len(i) for i in ids), default=1)}")
    np.save(path / "ids.npy", id_array)
    np.save(path / "ids_order.npy", np.argsort(id_array, kind="stable").astype(np.int32))
    manifest = {
        **extra,
        "format": FORMAT,
        "model_version": model.version,
        "records": count,
        "keys": len(unique),
        "columns": list(FEATURE_COLUMNS),
        "written_at": datetime.now(UTC).isoformat(),
    }
    (path / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    return count, len(unique)


def _column(rows: list[tuple[Any, ...]], j: int, column: str) -> list[str | None]:
    if column in _LIST_COLUMNS:
        return [None if r[j] is None else _encode(column, r[j]) for r in rows]
    return [r[j] for r in rows]


def _factorize(values: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """Codes (1 for the first distinct value, 0 for missing) and the distinct values, in
    order of first appearance: a dictionary pass, in C through pandas when it is there."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover (pandas comes with Splink)
        table: dict[str, int] = {}
        held = [0 if v is None else table.setdefault(v, len(table) + 1) for v in values]
        return np.asarray(held, dtype=np.int32), list(table)
    found, distinct = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return (found + 1).astype(np.int32), [str(v) for v in distinct]


def _write_values(path: Path, column: str, distinct: list[str]) -> None:
    offsets = np.zeros(len(distinct) + 2, dtype=np.int64)
    with open(path / f"values-{column}.bin", "wb") as blob:
        at = 0
        for code, text in enumerate(distinct, start=1):
            data = text.encode("utf-8")
            blob.write(data)
            at += len(data)
            offsets[code + 1] = at
    np.save(path / f"values-{column}.offsets.npy", offsets)


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir())


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of an index directory, or None if it is not a whole index of this
    format (being written, written by another version, or damaged)."""
    try:
        manifest: dict[str, Any] = json.loads((path / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("format") != FORMAT or manifest.get("columns") != list(FEATURE_COLUMNS):
        return None
    return manifest


# --- reading ---------------------------------------------------------------------------------


class _Values:
    """One column's distinct values, read from the mapped blob as they are asked for."""

    def __init__(self, path: Path, column: str) -> None:
        self._offsets = np.load(path / f"values-{column}.offsets.npy", mmap_mode="r")
        self._list = column in _LIST_COLUMNS
        blob = path / f"values-{column}.bin"
        with open(blob, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            self._blob: mmap.mmap | bytes = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
            )

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _decode(self, start: int, end: int) -> Any:
        text = self._blob[start:end].decode("utf-8")
        return tuple(text.split(GROUP_SEPARATOR)) if self._list else text

    def many(self, codes: list[int]) -> list[Any]:
        if not codes:
            return []
        at = np.asarray(codes, dtype=np.int64)
        starts = self._offsets[at].tolist()
        ends = self._offsets[at + 1].tolist()
        return [
            self._decode(s, e) if c else None for c, s, e in zip(codes, starts, ends, strict=True)
        ]

    def all(self) -> list[Any]:
        return self.many(list(range(len(self))))


class MappedCandidateIndex(CandidateIndex):
    """A CandidateIndex over a written index, mapped read-only; records added since it was
    written (`add`, the catch-up) are held in this process's memory, as in CandidateIndex."""

    def __init__(self, model: LinkageModel, path: Path, manifest: dict[str, Any]) -> None:
        super().__init__(model)
        self.path = path
        self.manifest = manifest
        self._codes = np.load(path / "codes.npy", mmap_mode="r")
        self._keys = np.load(path / "keys.npy", mmap_mode="r")
        self._key_starts = np.load(path / "key_starts.npy", mmap_mode="r")
        self._key_positions = np.load(path / "key_positions.npy", mmap_mode="r")
        self._file_ids = np.load(path / "ids.npy", mmap_mode="r")
        self._ids_order = np.load(path / "ids_order.npy", mmap_mode="r")
        self._stored = len(self._file_ids)
        self._values = [_Values(path, column) for column in FEATURE_COLUMNS]
        # Small tables decoded once; a list lookup is far cheaper than a slice and a decode.
        self._decoded: list[list[Any] | None] = [
            values.all() if len(values) <= DECODE_AT_OPEN else None for values in self._values
        ]
        for column in model.term_frequency_columns:
            j = FEATURE_COLUMNS.index(column)
            counts = np.load(path / f"tf-{column}.npy")
            names = self._decoded[j] or self._values[j].all()
            held = np.flatnonzero(counts).tolist()
            self._tf_counts[column] = Counter({names[c]: int(counts[c]) for c in held})
        # Records added or corrected since the file was written: position -> features.
        self._held: dict[int, tuple[object, ...]] = {}

    @classmethod
    def open(cls, path: Path, model: LinkageModel) -> MappedCandidateIndex:
        manifest = read_manifest(path)
        if manifest is None:
            raise ValueError(f"{path} is not a whole candidate index of format {FORMAT}")
        if manifest["model_version"] != model.version:
            raise ValueError(f"{path} was written for model {manifest['model_version']}")
        return cls(model, path, manifest)

    def __len__(self) -> int:
        return self._stored + len(self._ids)

    @property
    def added(self) -> int:
        """Records held in memory beside the file (added since it was written)."""
        return len(self._ids)

    def _file_position(self, record_id: str) -> int | None:
        wanted = record_id.encode("utf-8")
        ids, order = self._file_ids, self._ids_order
        at = bisect.bisect_left(range(self._stored), wanted, key=lambda i: bytes(ids[order[i]]))
        if at < self._stored and bytes(ids[order[at]]) == wanted:
            return int(order[at])
        return None

    def _position(self, record_id: str) -> int | None:
        found = self._positions.get(record_id)
        return found if found is not None else self._file_position(record_id)

    def missing(self, record_ids: Iterable[str]) -> list[str]:
        wanted = sorted({i for i in record_ids if i not in self._positions})
        if len(wanted) < 1_000:
            return [i for i in wanted if self._file_position(i) is None]
        # Many (the periodic full count): one sorted comparison instead of a bisection each.
        encoded = np.array([i.encode("utf-8") for i in wanted])
        held = np.isin(encoded, np.asarray(self._file_ids))
        return [i for i, h in zip(wanted, held.tolist(), strict=True) if not h]

    def add(self, record: SourceRecord) -> None:
        row = features(record)
        values = tuple(row[c] for c in FEATURE_COLUMNS)
        with self._lock:
            position = self._position(record.record_id)
            if position is not None:
                # Corrected: its old keys still point at the position (as in CandidateIndex),
                # and the features held here replace the file's when it is scored.
                self._count_terms(self._rows_at([position])[0], -1)
            else:
                position = self._stored + len(self._ids)
                self._positions[record.record_id] = position
                self._ids.append(record.record_id)
            self._held[position] = values
            self._count_terms(row, +1)
            for key in _hashes(self.model.blocking_rules, row, query_side=False, digest=stable_key):
                self._recent.setdefault(key, []).append(position)

    def _candidate_positions(self, query: Features) -> set[int]:
        found: set[int] = set()
        wanted = sorted(
            set(_hashes(self.model.blocking_rules, query, query_side=True, digest=stable_key))
        )
        if not wanted:
            return found
        keys = np.asarray(wanted, dtype=np.int64)
        at = np.searchsorted(self._keys, keys)
        inside = at < len(self._keys)
        hits = at[inside][np.asarray(self._keys[at[inside]]) == keys[inside]]
        if len(hits):
            starts = self._key_starts[hits].tolist()
            ends = self._key_starts[hits + 1].tolist()
            for start, end in zip(starts, ends, strict=True):
                found.update(self._key_positions[start : min(end, start + MAX_PER_KEY)].tolist())
        for key in wanted:
            found.update(self._recent.get(key, ())[:MAX_PER_KEY])
        return found

    def _rows_at(self, positions: Sequence[int]) -> list[Features]:
        """The features of records at `positions`: those held here, the rest decoded from
        the file column by column (the repeated names and dates of a lookup's candidates
        come from the decoded tables)."""
        rows: list[Features | None] = [
            dict(zip(FEATURE_COLUMNS, self._held[p], strict=True)) if p in self._held else None
            for p in positions
        ]
        mapped = [i for i, row in enumerate(rows) if row is None]
        if mapped:
            block = self._codes[np.asarray([positions[i] for i in mapped], dtype=np.int64)]
            columns: list[list[Any]] = []
            for j in range(len(FEATURE_COLUMNS)):
                codes = block[:, j].tolist()
                table = self._decoded[j]
                if table is not None:
                    columns.append([table[c] if c else None for c in codes])
                else:
                    columns.append(self._values[j].many(codes))
            for i, values in zip(mapped, zip(*columns, strict=True), strict=True):
                rows[i] = dict(zip(FEATURE_COLUMNS, values, strict=True))
        return [row for row in rows if row is not None]

    def _record_id(self, position: int) -> str:
        if position >= self._stored:
            return self._ids[position - self._stored]
        return bytes(self._file_ids[position]).decode("utf-8")

    def _candidate_rows(self, query: Features) -> Iterator[tuple[str, Features]]:
        positions = sorted(self._candidate_positions(query))
        rows = self._rows_at(positions)
        for position, row in zip(positions, rows, strict=True):
            yield self._record_id(position), row


def open_index(path: Path, model: LinkageModel) -> MappedCandidateIndex:
    return MappedCandidateIndex.open(path, model)
