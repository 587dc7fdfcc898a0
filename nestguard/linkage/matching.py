"""The bridge to the matching engine (`nestguard.linkage.engine`, built on Splink): source
records in the engine's shape and the stored model.

The real-time candidate index built from them is written to files once per model and record
set and mapped by every web process (`person_index_files`, decision 0117), kept current by
`live_index` (off the request, decision 0043). (A national deployment would keep it in a
service of its own.)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

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


# What a stored record gives the engine: its fields, and the date of birth as sent when it
# was not a real date (the engine compares that as text).
ENGINE_COLUMNS = (*ENGINE_FIELDS, "date_of_birth_given")


def to_engine(record: SourceRecord) -> engine.SourceRecord:
    from nestguard.linkage.engine import SourceRecord as EngineRecord

    values = {name: getattr(record, name) or "" for name in ENGINE_FIELDS}
    values["date_of_birth"] = values["date_of_birth"] or record.date_of_birth_given or ""
    return EngineRecord(
        record_id=str(record.pk), source=f"{record.agency_id}:{record.system}", **values
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
    rows = SourceRecord.objects.only("pk", "agency_id", "system", *ENGINE_COLUMNS).order_by("pk")
    return [to_engine(r) for r in rows.iterator(chunk_size=5000)]


def latest_model_version() -> LinkageModelVersion | None:
    return LinkageModelVersion.objects.order_by("-created_at").first()


def latest_model_label() -> str | None:
    """The latest model's version alone: asked at every lookup, so without its JSON."""
    latest = LinkageModelVersion.objects.order_by("-created_at")
    return latest.values_list("version", flat=True).first()


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
