"""Source records as agencies send them: validation shared by the API and CSV imports, and
creation. A record's content is never changed after it is created (docs/decisions/0040)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from nestguard.accounts.models import Agency
from nestguard.audit.services import audit_record
from nestguard.core.forms import clean_text, messages_by_field
from nestguard.linkage.models import (
    CONTENT_FIELDS,
    NESTGUARD_SYSTEM,
    Cluster,
    ImportBatch,
    SourceRecord,
)
from nestguard.linkage.services.addresses import source_record_addresses_match
from nestguard.people.models import Person

# Every field a source record may carry, with its label and its longest value.
FIELD_LIMITS: dict[str, tuple[str, int]] = {
    "record_id": ("Record id", 100),
    "given_name": ("Given name", 100),
    "family_name": ("Family name", 100),
    "date_of_birth": ("Date of birth", 10),
    "sex": ("Sex", 20),
    "address_line1": ("Address line 1", 200),
    "address_line2": ("Address line 2", 200),
    "town": ("Town", 100),
    "postcode": ("Postcode", 10),
    "phone": ("Phone", 40),
    "identifier": ("Identifier", 100),
    "contact_name": ("Contact name", 200),
    "contact_email": ("Contact email", 254),
    "contact_phone": ("Contact phone", 40),
}
RECORD_FIELDS: tuple[str, ...] = tuple(FIELD_LIMITS)
_ISO_FULL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_YEAR = re.compile(r"^(\d{4})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
EARLIEST_YEAR = 1900


def parse_partial_date(value: str, *, today: date | None = None) -> str:
    """A full or partial date of birth as "YYYY-MM-DD", "YYYY-MM" or "YYYY".

    Accepts those forms and the UK "DD/MM/YYYY"; refuses impossible and future dates."""
    today = today or timezone.localdate()
    text = value.strip()
    if not text:
        return ""
    if match := _UK_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        text = f"{year:04d}-{month:02d}-{day:02d}"
    if match := _ISO_FULL.match(text):
        year, month, day = (int(g) for g in match.groups())
        try:
            born = date(year, month, day)
        except ValueError:
            raise ValidationError("Date of birth must be a real date") from None
        if born > today:
            raise ValidationError("Date of birth must be in the past")
    elif match := _ISO_MONTH.match(text):
        year, month = (int(g) for g in match.groups())
        if not 1 <= month <= 12:
            raise ValidationError("Date of birth must be a real date")
        if (year, month) > (today.year, today.month):
            raise ValidationError("Date of birth must be in the past")
    elif match := _ISO_YEAR.match(text):
        year = int(match.group(1))
        if year > today.year:
            raise ValidationError("Date of birth must be in the past")
    else:
        raise ValidationError("Date of birth must be YYYY-MM-DD (or YYYY-MM, YYYY, or DD/MM/YYYY)")
    if year < EARLIEST_YEAR:
        raise ValidationError(f"Date of birth must be after {EARLIEST_YEAR}")
    return text


# The longest date of birth kept as sent (a date that is not real is kept, not refused).
DATE_GIVEN_LIMIT = 40


@dataclass
class CheckedRecord:
    """One record checked: its clean values, the errors that refuse it (field -> message),
    and the doubts (field -> message): values kept as given but not understood, such as
    a date of birth that is not a real date. Doubts never refuse a record."""

    clean: dict[str, str]
    errors: dict[str, str]
    doubts: dict[str, str]


def _date_of_birth(text: str, clean: dict[str, str], doubts: dict[str, str]) -> str | None:
    """The parsed date, or "" with a doubt when it is not a real date (the text is kept in
    `date_of_birth_given` either way); None when even the text is too long to keep."""
    if len(text) > DATE_GIVEN_LIMIT:
        return None
    clean["date_of_birth_given"] = text
    try:
        return parse_partial_date(text)
    except ValidationError as exc:
        doubts["date_of_birth"] = (
            f"{exc.messages[0]} ({text!r}): kept as given and compared as text"
        )
        return ""


def check_record(values: Mapping[str, Any]) -> CheckedRecord:
    """Check one record. Unknown keys are the caller's to refuse."""
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    doubts: dict[str, str] = {}
    for name, (label, limit) in FIELD_LIMITS.items():
        raw = values.get(name, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors[name] = f"{label} must be text"
            continue
        try:
            text = clean_text(raw, label=label)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
            continue
        if name == "date_of_birth":
            parsed = _date_of_birth(text, clean, doubts)
            if parsed is None:
                errors[name] = f"{label} must be {DATE_GIVEN_LIMIT} characters or fewer"
                continue
            text = parsed
        if len(text) > limit:
            errors[name] = f"{label} must be {limit} characters or fewer"
            continue
        clean[name] = text
    if "record_id" not in errors and not clean.get("record_id"):
        errors["record_id"] = "Enter the record's id in the agency's system"
    if clean.get("contact_email"):
        try:
            validate_email(clean["contact_email"])
        except ValidationError:
            errors["contact_email"] = "Contact email must be an email address"
    if not errors and not any(clean.get(f) for f in ("given_name", "family_name", "identifier")):
        errors["given_name"] = "A record needs a name or an identifier"
    return CheckedRecord(clean, errors, doubts)


def validate_system(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({"system": "Enter the name of the system the records come from"})
    text = clean_text(value, label="System")
    if len(text) > 100:
        raise ValidationError({"system": "System must be 100 characters or fewer"})
    return text


def fingerprint(clean: Mapping[str, str]) -> str:
    content = {k: clean.get(k, "") for k in RECORD_FIELDS}
    # A date that is not real counts as sent; a real one as parsed (so 06/04/1950 and
    # 1950-04-06 are the same record, as they were before dates were kept as sent).
    content["date_of_birth"] = content["date_of_birth"] or clean.get("date_of_birth_given", "")
    payload = json.dumps(content, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Received:
    """What became of the records sent: stored anew, or already held unchanged."""

    created: list[SourceRecord]
    already_held: list[SourceRecord]


def store_records(
    *,
    agency: Agency,
    system: str,
    rows: Iterable[dict[str, str]],
    received_at: datetime,
    batch: ImportBatch | None = None,
    people: Mapping[int, Person] | None = None,
) -> Received:
    """Write validated rows, each into a cluster of its own. Rows already held unchanged
    (same agency, system, record id and content) are not stored twice. Call inside a
    transaction; the caller audits."""
    rows = list(rows)
    prints = [fingerprint(row) for row in rows]
    held = {
        (r.record_id, r.fingerprint): r
        for r in SourceRecord.objects.filter(
            agency=agency, system=system, fingerprint__in=set(prints)
        )
    }
    fresh: list[SourceRecord] = []
    already: list[SourceRecord] = []
    seen: set[tuple[str, str]] = set()
    for index, (row, print_) in enumerate(zip(rows, prints, strict=True)):
        key = (row["record_id"], print_)
        if key in held:
            already.append(held[key])
            continue
        if key in seen:
            continue
        seen.add(key)
        fresh.append(
            SourceRecord(
                agency=agency,
                system=system,
                received_at=received_at,
                fingerprint=print_,
                batch=batch,
                person=(people or {}).get(index),
                date_of_birth_given=row.get("date_of_birth_given", ""),
                **{name: row.get(name, "") for name in RECORD_FIELDS},
            )
        )
    clusters = Cluster.objects.bulk_create(Cluster() for _ in fresh)
    for record, cluster in zip(fresh, clusters, strict=True):
        record.cluster = cluster
    SourceRecord.objects.bulk_create(fresh, batch_size=1000)
    return Received(created=fresh, already_held=already)


def source_record_create(
    *,
    actor: Any,
    system: Any,
    values: Mapping[str, Any],
    purpose: str = "API",
) -> tuple[SourceRecord, bool]:
    """Receive one record from the actor's agency. (record, True) when stored anew;
    (the record already held, False) when the same record arrives again unchanged."""
    record, created, _doubts = source_record_receive(
        actor=actor, system=system, values=values, purpose=purpose
    )
    return record, created


def source_record_receive(
    *,
    actor: Any,
    system: Any,
    values: Mapping[str, Any],
    purpose: str = "API",
) -> tuple[SourceRecord, bool, dict[str, str]]:
    """As `source_record_create`, with the doubts (field -> message): values kept as given
    but not understood, such as a date of birth that is not a real date."""
    agency = getattr(actor, "agency", None)
    if agency is None:
        raise ValidationError({"agency": "Only a user of an agency can send its records"})
    errors: dict[str, str] = {}
    try:
        system_name = validate_system(system)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in messages_by_field(exc, "system").items()})
        system_name = ""
    if system_name == NESTGUARD_SYSTEM:
        errors["system"] = f'"{NESTGUARD_SYSTEM}" is reserved for Nestguard\'s own people'
    unknown = sorted(set(values) - set(RECORD_FIELDS))
    if unknown:
        errors["non_field_errors"] = "Unknown fields: " + ", ".join(unknown)
    checked = check_record(values)
    errors.update(checked.errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        received = store_records(
            agency=agency, system=system_name, rows=[checked.clean], received_at=timezone.now()
        )
        if received.already_held:
            return received.already_held[0], False, checked.doubts
        record = received.created[0]
        audit_record(
            actor=actor,
            action="source_record.create",
            obj=record,
            purpose=purpose,
            details={
                "system": system_name,
                **({"doubtful": sorted(checked.doubts)} if checked.doubts else {}),
            },
        )
        # Its address is matched to the register now, not at the next linkage run.
        source_record_addresses_match(actor=actor, records=[record], about=record)
    return record, True, checked.doubts


def person_values(person: Person) -> dict[str, str]:
    """A Nestguard person as a source record's fields."""
    return {
        "record_id": str(person.pk),
        "given_name": person.given_name[:100],
        "family_name": person.family_name[:100],
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
    }


def source_records_sync_people(*, actor: Any) -> int:
    """Give every named Nestguard person without one a source record of system "nestguard",
    held by the agency that recorded them. Returns how many were added."""
    missing = (
        Person.objects.filter(identity_unknown=False, created_by_agency__isnull=False)
        .exclude(pk__in=SourceRecord.objects.filter(person__isnull=False).values("person_id"))
        .select_related("created_by_agency")
        .order_by("created_by_agency_id", "pk")
    )
    added = 0
    with transaction.atomic():
        by_agency: dict[Any, list[Person]] = {}
        for person in missing:
            by_agency.setdefault(person.created_by_agency_id, []).append(person)
        for people in by_agency.values():
            agency = people[0].created_by_agency
            assert agency is not None
            rows = [person_values(p) for p in people]
            received = store_records(
                agency=agency,
                system=NESTGUARD_SYSTEM,
                rows=rows,
                received_at=timezone.now(),
                people=dict(enumerate(people)),
            )
            added += len(received.created)
        if added:
            audit_record(
                actor=actor,
                action="source_record.import",
                object_type="sourcerecord",
                object_label="Nestguard people",
                purpose="People recorded in Nestguard join the person index",
                details={"created": added, "system": NESTGUARD_SYSTEM},
            )
    return added


def content_of(record: SourceRecord) -> dict[str, str]:
    """What the agency sent, for comparison in tests and on the review page."""
    return {name: getattr(record, name) for name in (*CONTENT_FIELDS, "record_id")}
