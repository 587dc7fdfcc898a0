"""Reading source records from CSV files and writing linkage results, for `link_file`.

Reading checks every row and returns every problem (file, row, column, what is wrong), so
a data officer can fix a file in one pass; nothing is linked or written while any remain.
Problems are what truly breaks a file: a missing or unknown column, a duplicate record id,
a row of the wrong length, text that is not UTF-8. A value that is only doubtful (a date of
birth that is not a real date, such as 1950-43-06) is kept as given, compared as text, and
listed among the doubts, which never stop a file.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .records import FIELDS, SourceRecord, read_date_of_birth

MAX_FIELD_LENGTH = 500


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # line number in the file; 1 is the header
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Doubt:
    """A value kept as given but not understood: linking compares it as text."""

    file: str
    row: int
    record_id: str
    column: str
    value: str
    message: str

    HEADER = ("file", "row", "record_id", "column", "value", "problem")

    def as_row(self) -> tuple[str, int, str, str, str, str]:
        return (self.file, self.row, self.record_id, self.column, self.value, self.message)


def _decode(path: Path, errors: list[RowError]) -> str | None:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        for number, line in enumerate(data.split(b"\n"), start=1):
            try:
                line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                errors.append(
                    RowError(
                        path.name,
                        number,
                        "",
                        f"is not UTF-8 (byte {line[exc.start]:#04x} at position {exc.start + 1});"
                        " save the file as UTF-8",
                    )
                )
        return None


def read_records(
    paths: Sequence[str | Path],
) -> tuple[list[SourceRecord], list[RowError], list[Doubt]]:
    """All records of all files, the problems found (then the records are not usable) and
    the doubtful values (kept as given; the records are usable)."""
    records: list[SourceRecord] = []
    errors: list[RowError] = []
    doubts: list[Doubt] = []
    first_seen: dict[str, str] = {}
    for raw_path in paths:
        path = Path(raw_path)
        if not path.is_file():
            errors.append(RowError(str(path), 0, "", "no such file"))
            continue
        text = _decode(path, errors)
        if text is None:
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            errors.append(RowError(path.name, 1, "", "the file is empty (no header row)"))
            continue
        header = [h.strip() for h in header]
        missing = [f for f in FIELDS if f not in header]
        unknown = [h for h in header if h not in FIELDS]
        if missing or unknown or len(set(header)) != len(header):
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if unknown:
                parts.append("unknown " + ", ".join(unknown))
            if len(set(header)) != len(header):
                parts.append("a column appears twice")
            errors.append(
                RowError(
                    path.name,
                    1,
                    "",
                    "wrong columns (" + "; ".join(parts) + "); expected " + ",".join(FIELDS),
                )
            )
            continue
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue  # blank line
            if len(row) != len(header):
                errors.append(
                    RowError(
                        path.name, number, "", f"has {len(row)} values, expected {len(header)}"
                    )
                )
                continue
            values = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
            row_errors = _check_row(path.name, number, values)
            if row_errors:
                errors.extend(row_errors)
                continue
            record_id = values["record_id"]
            if record_id in first_seen:
                errors.append(
                    RowError(
                        path.name,
                        number,
                        "record_id",
                        f"{record_id!r} was already used ({first_seen[record_id]})",
                    )
                )
                continue
            first_seen[record_id] = f"{path.name} row {number}"
            born = read_date_of_birth(values["date_of_birth"])
            if born.doubtful:
                doubts.append(
                    Doubt(
                        path.name,
                        number,
                        record_id,
                        "date_of_birth",
                        born.text,
                        f"{born.problem}; kept as given and compared as text",
                    )
                )
            records.append(SourceRecord(**values))
    return records, errors, doubts


def _check_row(file: str, number: int, values: dict[str, str]) -> list[RowError]:
    errors = []
    if not values["record_id"]:
        errors.append(RowError(file, number, "record_id", "is empty; every row needs one"))
    for name, value in values.items():
        if len(value) > MAX_FIELD_LENGTH:
            errors.append(
                RowError(file, number, name, f"is longer than {MAX_FIELD_LENGTH} characters")
            )
    return errors


def write_csv_atomically(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
