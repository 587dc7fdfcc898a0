"""The bridge to the matching engine (`nestguard.linkage.engine`, built on Splink): source
records in the engine's shape, the stored model, and the real-time candidate index.

The candidate index lives in each web process's memory. It is built from every source record
on first use and kept current by adding the records received since; a new model version
rebuilds it. (A national deployment would keep it in a service of its own.)
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nestguard.linkage.models import LinkageModelVersion, SourceRecord

if TYPE_CHECKING:
    from nestguard.linkage import engine

log = logging.getLogger(__name__)


ENGINE_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "phone",
    "identifier",
)


def to_engine(record: SourceRecord) -> engine.SourceRecord:
    from nestguard.linkage.engine import SourceRecord as EngineRecord

    return EngineRecord(
        record_id=str(record.pk),
        source=f"{record.agency_id}:{record.system}",
        **{name: getattr(record, name) or "" for name in ENGINE_FIELDS},
    )


def query_record(values: dict[str, str]) -> engine.SourceRecord:
    """What a referrer typed, as a record to look up."""
    from nestguard.linkage.engine import SourceRecord as EngineRecord

    return EngineRecord(
        record_id="query",
        source="query",
        **{name: values.get(name, "") or "" for name in ENGINE_FIELDS},
    )


def all_engine_records() -> list[engine.SourceRecord]:
    rows = SourceRecord.objects.only("pk", "agency_id", "system", *ENGINE_FIELDS).order_by("pk")
    return [to_engine(r) for r in rows.iterator(chunk_size=5000)]


def latest_model_version() -> LinkageModelVersion | None:
    return LinkageModelVersion.objects.order_by("-created_at").first()


def load_model(version: LinkageModelVersion) -> engine.LinkageModel:
    from nestguard.linkage.engine import LinkageModel

    return LinkageModel.from_json(version.model_json)


def readable(version: LinkageModelVersion | None) -> bool:
    """Can this engine read the stored model? (An engine upgrade may change the format: the
    next run then trains a new model, and lookups wait for it rather than fail.)"""
    if version is None:
        return False
    try:
        load_model(version)
    except ValueError:
        log.warning("stored linkage model %s cannot be read by this engine", version.version)
        return False
    return True


@dataclass
class _Index:
    version: str
    index: Any
    ids: set[Any]


_lock = threading.Lock()
_current: _Index | None = None


def candidate_index() -> tuple[Any, str] | None:
    """(the engine's CandidateIndex, model version) kept current, or None before any model."""
    global _current
    version = latest_model_version()
    if version is None:
        return None
    with _lock:
        if _current is None or _current.version != version.version:
            if not readable(version):
                return None
            from nestguard.linkage.engine import CandidateIndex

            records = all_engine_records()
            index = CandidateIndex.build(records, load_model(version))
            _current = _Index(version.version, index, {r.record_id for r in records})
        else:
            _catch_up(_current)
        return _current.index, _current.version


def _catch_up(state: _Index) -> None:
    """Add the records received since the index was last brought up to date. Records are
    never deleted, so a count that differs means new ones (one cheap query otherwise)."""
    if SourceRecord.objects.count() == len(state.ids):
        return
    held = {str(pk) for pk in SourceRecord.objects.values_list("pk", flat=True)}
    for record in SourceRecord.objects.filter(pk__in=held - state.ids):
        state.index.add(to_engine(record))
        state.ids.add(str(record.pk))


def forget_index() -> None:
    """Drop the in-memory index (tests; a new model)."""
    global _current
    with _lock:
        _current = None
