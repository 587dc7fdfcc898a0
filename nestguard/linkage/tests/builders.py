"""Source records for tests, made through the services."""

from __future__ import annotations

from typing import Any

from nestguard.linkage.models import SourceRecord
from nestguard.linkage.services.records import source_record_create


def record(actor: Any, record_id: str, **values: str) -> SourceRecord:
    made, _ = source_record_create(
        actor=actor,
        system=values.pop("system", "Test system"),
        values={"record_id": record_id, **values},
    )
    return made
