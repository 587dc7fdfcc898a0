"""Links: derived from records by the registry, kept current on save, rebuilt on demand, and
entered by hand (decision 0098)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.accounts.models import User
from nestguard.audit.services import audit_record
from nestguard.core.codes import code_list
from nestguard.network.models import HandEntry, Link
from nestguard.network.registry import LinkSpec, Ref, kinds, sources

# What a hand may tie: people, places and objects, never an event (an event is a record with
# its own door; a hand link to one would reveal it to those who may not read it).
HAND_KINDS = ("person", "address", "phone", "vehicle", "line")
BATCH = 2000


def _rows(kind: str, record_id: Any, specs: Iterable[LinkSpec]) -> list[Link]:
    seen: set[tuple[Any, ...]] = set()
    rows = []
    for spec in specs:
        key = (spec.a.id, spec.b.id, spec.role)
        if key in seen or spec.a.id == spec.b.id:
            continue
        seen.add(key)
        rows.append(
            Link(
                a_kind=spec.a.kind,
                a_id=spec.a.id,
                b_kind=spec.b.kind,
                b_id=spec.b.id,
                role=spec.role[:40],
                source_kind=kind,
                source_id=record_id,
                on=spec.on,
                grade=spec.grade,
            )
        )
    return rows


def links_clear(*, kind: str, record_id: Any) -> None:
    Link.objects.filter(source_kind=kind, source_id=record_id).delete()


def links_refresh(*, kind: str, record: Any) -> list[Link]:
    """Derive the links of one record again (inside the caller's transaction: a save and its
    links stand or fall together). No audit event: the record's own write has one."""
    src = sources()[kind]
    with transaction.atomic():
        links_clear(kind=kind, record_id=record.pk)
        return Link.objects.bulk_create(_rows(kind, record.pk, src.derive(record)))


def links_rebuild(*, actor: User | None, kinds_: Iterable[str] | None = None) -> dict[str, int]:
    """Derive every link of every registered source again (the command and the job)."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        for kind, src in sources().items():
            if kinds_ is not None and kind not in kinds_:
                continue
            Link.objects.filter(source_kind=kind).delete()
            batch: list[Link] = []
            total = 0
            for record in src.records().iterator(chunk_size=BATCH):
                batch.extend(_rows(kind, record.pk, src.derive(record)))
                if len(batch) >= BATCH:
                    total += len(Link.objects.bulk_create(batch))
                    batch = []
            total += len(Link.objects.bulk_create(batch))
            counts[kind] = total
        audit_record(
            actor=actor,
            action="network.links_rebuild",
            object_type="link",
            object_label="Links derived from records",
            details={"links": counts},
        )
    return counts


def _check_end(field: str, ref: Ref, errors: dict[str, str]) -> None:
    if ref.kind not in HAND_KINDS:
        errors[field] = "Choose a person, address, phone, vehicle or line"
        return
    model = kinds()[ref.kind].model
    if not model._default_manager.filter(pk=ref.id).exists():
        errors[field] = "Choose something that is recorded"


def link_add_by_hand(
    *,
    actor: User,
    a: Ref,
    b: Ref,
    role: str,
    note: str,
    on: date,
    grade: str = "",
) -> HandEntry:
    """A link entered by hand: the entry is its source (seen by the entering agency and its
    partners), audited."""
    errors: dict[str, str] = {}
    _check_end("a", a, errors)
    _check_end("b", b, errors)
    if a == b:
        errors["b"] = "Choose something other than the start of the link"
    if role not in code_list("network", "hand_roles"):
        errors["role"] = "Choose how they are linked"
    if grade not in code_list("network", "grades"):
        errors["grade"] = "Choose a grade"
    if not (note or "").strip():
        errors["note"] = "Enter where this link comes from"
    if on is None or on > timezone.localdate():
        errors["on"] = "The date of the link must be today or in the past"
    agency_id = actor.agency_id
    if agency_id is None:
        errors["a"] = "Only a user of an agency may add a link"
    if errors or agency_id is None:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = HandEntry.objects.create(
            entered_by=actor,
            agency_id=agency_id,
            note=note.strip(),
            on=on,
            grade=grade,
            a_kind=a.kind,
            a_id=a.id,
            b_kind=b.kind,
            b_id=b.id,
            role=role,
        )
        links_refresh(kind="hand", record=entry)
        audit_record(
            actor=actor,
            action="network.link_add",
            obj=entry,
            details={
                "a": f"{a.kind}:{a.id}",
                "b": f"{b.kind}:{b.id}",
                "role": role,
                "grade": grade,
            },
        )
    return entry


def new_ref(kind: str, pk: Any) -> Ref:
    return Ref(kind, pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk)))
