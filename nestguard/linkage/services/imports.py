"""CSV imports of an agency's people: all rows or none.

A file is checked whole before anything is written: its encoding, the columns named in the
mapping, and every row. Every problem is reported with its row number (the header is row 1,
as a spreadsheet shows it), and a file with any problem writes nothing. A doubtful value (a
date of birth that is not a real date) is not a problem: it is kept as given, compared as
text, and listed among the import's doubts (docs/decisions/0113).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.audit.services import audit_record
from nestguard.linkage.models import NESTGUARD_SYSTEM, ImportBatch
from nestguard.linkage.services.addresses import source_record_addresses_match
from nestguard.linkage.services.records import (
    FIELD_LIMITS,
    RECORD_FIELDS,
    check_record,
    store_records,
    validate_system,
)

ENCODINGS: dict[str, str] = {
    "utf-8-sig": "UTF-8 (CSV UTF-8 from Excel, or plain UTF-8)",
    "cp1252": "Windows-1252 (older Excel 'CSV' files)",
}
MAX_ROWS = 200_000
MAX_BYTES = 50 * 1024 * 1024
# Reported problems beyond this many are counted, not listed: the first ones show the pattern.
MAX_LISTED = 200


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "the file"
        column = f", {self.field}" if self.field else ""
        return f"In {where}{column}: {self.message}"


class ImportRejected(ValidationError):
    """A file with problems: nothing was imported. `errors` lists them row by row."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.row_errors = errors[:MAX_LISTED]
        self.total = total if total is not None else len(errors)
        messages = [str(e) for e in self.row_errors]
        if self.total > len(self.row_errors):
            messages.append(f"…and {self.total - len(self.row_errors)} more problems")
        super().__init__({"file": messages})


@dataclass
class ImportResult:
    batch: ImportBatch
    created: int
    already_held: int
    warnings: list[str] = field(default_factory=list)
    # Values kept as given but not understood, row by row (the header is row 1).
    doubtful: list[RowError] = field(default_factory=list)
    # The new records' addresses matched to the register, by status ("addresses_matched"...).
    addresses: dict[str, int] = field(default_factory=dict)


def default_mapping(headers: list[str]) -> dict[str, str]:
    """Each record field mapped to the column of the same name, where the file has one."""
    by_key = {h.strip().casefold(): h for h in headers}
    return {name: by_key[name] for name in RECORD_FIELDS if name in by_key}


def _decode(data: bytes, encoding: str) -> str:
    if encoding not in ENCODINGS:
        raise ImportRejected([RowError(0, "encoding", "Choose one of the offered encodings")])
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = (
            "save it as 'CSV UTF-8' or choose Windows-1252"
            if encoding == "utf-8-sig"
            else "check the encoding"
        )
        raise ImportRejected(
            [RowError(line, "", f"the file is not {ENCODINGS[encoding]} text: {hint}")]
        ) from None


def _check_mapping(mapping: Mapping[str, str], headers: list[str]) -> list[RowError]:
    errors = [
        RowError(0, name, f"'{name}' is not a field of a source record")
        for name in mapping
        if name not in FIELD_LIMITS
    ]
    present = set(headers)
    for name, column in mapping.items():
        if column and column not in present:
            errors.append(RowError(1, name, f"the file has no column called '{column}'"))
    if not mapping.get("record_id"):
        errors.append(RowError(0, "record_id", "map a column to record_id"))
    if len(set(headers)) != len(headers):
        errors.append(RowError(1, "", "two columns have the same name"))
    return errors


def parse_rows(
    data: bytes, mapping: Mapping[str, str] | None, encoding: str = "utf-8-sig"
) -> tuple[list[dict[str, str]], list[RowError]]:
    """The file's rows as clean record fields and the doubtful values, or ImportRejected
    listing every problem."""
    if len(data) > MAX_BYTES:
        raise ImportRejected([RowError(0, "", "the file is larger than 50 MB: split it")])
    text = _decode(data, encoding)
    if "\x00" in text:
        raise ImportRejected([RowError(0, "", "the file is not a CSV text file")])
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        table = list(reader)
    except csv.Error as exc:
        raise ImportRejected([RowError(0, "", f"the file is not valid CSV: {exc}")]) from None
    if not table or not any(cell.strip() for cell in table[0]):
        raise ImportRejected([RowError(1, "", "the file is empty: it needs a header row")])
    headers = [h.strip() for h in table[0]]
    chosen = {k: v for k, v in (mapping or default_mapping(headers)).items() if v}
    problems = _check_mapping(chosen, headers)
    if problems:
        raise ImportRejected(problems)
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise ImportRejected([RowError(0, "", f"more than {MAX_ROWS} rows: split the file")])
    column = {name: headers.index(header) for name, header in chosen.items()}
    rows: list[dict[str, str]] = []
    errors: list[RowError] = []
    doubtful: list[RowError] = []
    first_seen: dict[str, int] = {}
    for number, cells in enumerate(body, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, as spreadsheets leave at the end
        if len(cells) != len(headers):
            errors.append(
                RowError(number, "", f"{len(cells)} cells where the header has {len(headers)}")
            )
            continue
        values = {name: cells[index] for name, index in column.items()}
        checked = check_record(values)
        for name, message in checked.errors.items():
            errors.append(RowError(number, name, message))
        if checked.errors:
            continue
        clean = checked.clean
        earlier = first_seen.setdefault(clean["record_id"], number)
        if earlier != number:
            errors.append(RowError(number, "record_id", f"the same record id as row {earlier}"))
            continue
        rows.append(clean)
        for name, message in checked.doubts.items():
            doubtful.append(RowError(number, name, f"record {clean['record_id']}: {message}"))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(2, "", "the file has a header but no rows")])
    return rows, doubtful


def source_records_import(
    *,
    actor: Any,
    system: Any,
    data: bytes,
    filename: str = "",
    mapping: Mapping[str, str] | None = None,
    encoding: str = "utf-8-sig",
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import a CSV file of the actor's agency's people. Every row is valid or nothing is
    written (ImportRejected lists the problems row by row). `progress` is told, in words,
    each step done inside the transaction (the command prints them with -v 2)."""
    agency = getattr(actor, "agency", None)
    if agency is None:
        raise ValidationError({"agency": "Only a user of an agency can import its records"})
    system_name = validate_system(system)
    if system_name == NESTGUARD_SYSTEM:
        raise ValidationError({"system": f'"{NESTGUARD_SYSTEM}" is reserved'})
    if len(filename) > 255:
        filename = filename[:255]
    rows, doubtful = parse_rows(data, mapping, encoding)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            agency=agency,
            system=system_name,
            filename=filename,
            mapping=dict(mapping or {}),
            rows=len(rows),
            imported_by=actor if getattr(actor, "pk", None) else None,
        )
        received = store_records(
            agency=agency, system=system_name, rows=rows, received_at=timezone.now(), batch=batch
        )
        if progress is not None:
            progress(
                f"{len(received.created):,} records written (not yet committed); "
                "matching their addresses"
            )
        audit_record(
            actor=actor,
            action="source_record.import",
            obj=batch,
            object_label=filename[:200],
            purpose="CSV import",
            details={
                "system": system_name,
                "rows": len(rows),
                "created": len(received.created),
                "already_held": len(received.already_held),
                "doubtful": len(doubtful),
            },
        )
        # Every new record's address is matched in this transaction: one index, one write,
        # one audit event for the file, and nothing left behind if the import fails.
        addresses = source_record_addresses_match(
            actor=actor, records=received.created, about=batch, purpose="CSV import"
        )
    return ImportResult(
        batch=batch,
        created=len(received.created),
        already_held=len(received.already_held),
        addresses=addresses,
        doubtful=doubtful,
    )
