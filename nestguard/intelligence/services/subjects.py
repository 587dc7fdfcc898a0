"""Who and what a report concerns, as structured rows: people, addresses, phones in E.164,
vehicles by VRM, free text. Each bad entry is a field error naming what was typed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from nestguard.access.door import visible
from nestguard.accounts.models import User
from nestguard.core.codes import code_list
from nestguard.core.forms import clean_text
from nestguard.core.phones import e164
from nestguard.intelligence.models import SubjectKind
from nestguard.people.models import Person
from nestguard.places.models import Address

LABEL_LIMIT = 300
MAX_PER_KIND = 20


@dataclass(frozen=True)
class SubjectIn:
    """One subject as given: `text` as typed, and for people and addresses optionally the id
    of a record the submitter may see."""

    kind: str
    text: str = ""
    record_id: Any = None


@dataclass(frozen=True)
class Subject:
    kind: str
    label: str
    phone: str = ""
    vrm: str = ""
    person: Person | None = None
    address: Address | None = None


def normalise_phone(raw: str) -> str:
    """E.164 (+447700900123), or ValueError for what is not a UK number (the one
    normaliser, `nestguard.core.phones`)."""
    try:
        return e164(raw)
    except ValidationError:
        raise ValueError(raw) from None


def normalise_vrm(raw: str) -> str:
    """Uppercase with no spaces, in one of the DVLA formats (data/vrm_formats.json)."""
    vrm = re.sub(r"[\s-]+", "", raw).upper()
    formats = code_list("intelligence", "vrm_formats")
    if not any(re.fullmatch(c["pattern"], vrm) for c in formats.codes):
        raise ValueError(raw)
    return vrm


_FIELD = {
    SubjectKind.PERSON: "people",
    SubjectKind.ADDRESS: "addresses",
    SubjectKind.PHONE: "phones",
    SubjectKind.VEHICLE: "vehicles",
    SubjectKind.TEXT: "other",
}


def field_of(kind: str) -> str:
    return _FIELD[SubjectKind(kind)]


def clean_subjects(actor: User, given: Sequence[SubjectIn]) -> list[Subject]:
    """The subjects, normalised; ValidationError by field (people, addresses, phones,
    vehicles, other) listing every bad entry, so nothing is written."""
    errors: dict[str, list[str]] = {}
    cleaned: list[Subject] = []
    counts: dict[str, int] = {}
    for item in given:
        if item.kind not in SubjectKind.values:
            errors.setdefault("subjects", []).append(f"“{item.kind}” is not a kind of subject")
            continue
        name = field_of(item.kind)
        counts[name] = counts.get(name, 0) + 1
        try:
            subject = _clean_one(actor, item)
        except ValueError as exc:
            errors.setdefault(name, []).append(str(exc))
            continue
        if subject is not None:
            cleaned.append(subject)
    for name, count in counts.items():
        if count > MAX_PER_KIND:
            errors.setdefault(name, []).append(f"Enter at most {MAX_PER_KIND} {name}")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_one(actor: User, item: SubjectIn) -> Subject | None:
    try:
        text = clean_text(item.text or "", label="The entry")
    except ValidationError:
        raise ValueError("Entries must not contain control characters") from None
    if len(text) > LABEL_LIMIT:
        raise ValueError(f"Each entry must be {LABEL_LIMIT} characters or fewer")
    kind = SubjectKind(item.kind)
    if kind == SubjectKind.PHONE:
        if not text:
            return None
        try:
            phone = normalise_phone(text)
        except ValueError:
            raise ValueError(f"“{text}” is not a valid UK phone number") from None
        return Subject(kind, phone, phone=phone)
    if kind == SubjectKind.VEHICLE:
        if not text:
            return None
        try:
            vrm = normalise_vrm(text)
        except ValueError:
            raise ValueError(f"“{text}” is not a vehicle registration, like AB12 CDE") from None
        return Subject(kind, vrm, vrm=vrm)
    if kind == SubjectKind.PERSON and item.record_id:
        person = visible(actor, Person).filter(pk=item.record_id).first()
        if person is None:
            raise ValueError("No person with that id that you may see")
        return Subject(kind, text or str(person), person=person)
    if kind == SubjectKind.ADDRESS and item.record_id:
        address = visible(actor, Address, purpose="place_report").filter(pk=item.record_id).first()
        if address is None:
            raise ValueError("No register address with that id")
        return Subject(kind, text or address.one_line, address=address)
    return Subject(kind, text) if text else None


def lines(kind: str, text: str) -> list[SubjectIn]:
    """A page's box of entries, one a line."""
    return [SubjectIn(kind, line) for line in (text or "").splitlines() if line.strip()]


def as_fields(subject: Any) -> dict[str, Any]:
    """The stored row's fields of a cleaned subject (or of another stored row)."""
    return {
        "kind": subject.kind,
        "label": subject.label,
        "phone": subject.phone,
        "vrm": subject.vrm,
        "person": subject.person,
        "address": subject.address,
    }
