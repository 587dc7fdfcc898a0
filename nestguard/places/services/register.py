"""Importing the partnership's address register: validate every row, then upsert in batches.

The file has exactly the columns of `REGISTER_COLUMNS`. Either coordinate pair may be empty
when the other is given; the missing pair is converted with pyproj (British National Grid,
EPSG:27700, to and from WGS84, EPSG:4326). Every bad row is reported (row number, column,
reason) and, if there is one, nothing is written. Otherwise rows are matched on UPRN and
created or updated with bulk queries inside one transaction: running the same file twice
changes nothing the second time.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from pyproj import Transformer

from nestguard.audit.services import audit_record
from nestguard.places.models import Address, tenures
from nestguard.places.postcodes import normalise_postcode, postcode_key

REGISTER_COLUMNS = (
    "uprn",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "easting",
    "northing",
    "latitude",
    "longitude",
    "ward",
    "tenure",
    "landlord",
)
# Great Britain on the National Grid, and the British Isles in WGS84, generously.
EASTING_RANGE = (0, 700_000)
NORTHING_RANGE = (0, 1_300_000)
LATITUDE_RANGE = (49.0, 61.5)
LONGITUDE_RANGE = (-9.0, 2.5)
# When a row gives both pairs they must describe the same place to within this.
AGREEMENT_METRES = 100
# Rows written per query.
BATCH_SIZE = 2000
_UPRN = re.compile(r"^[1-9][0-9]{0,11}$")
# What the register import compares and writes.
_FIELDS = (
    "line1",
    "line2",
    "town",
    "postcode",
    "postcode_key",
    "easting",
    "northing",
    "latitude",
    "longitude",
    "ward",
    "tenure",
    "landlord",
)
_TEXT_LIMITS = {
    "address_line1": ("Address line 1", 200),
    "address_line2": ("Address line 2", 200),
    "town": ("Town", 100),
    "ward": ("Ward", 100),
    "landlord": ("Landlord", 200),
}


@dataclass(frozen=True)
class RowError:
    row: int  # the line number in the file, the header being line 1
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


class RegisterImportError(Exception):
    """The file had bad rows; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the register file; nothing was imported")


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class _Row:
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    needs_latlon: bool = False
    needs_grid: bool = False


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@cache
def _to_grid() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def grid_to_latlon(easting: float, northing: float) -> tuple[float, float]:
    lon, lat = _to_wgs84().transform(easting, northing)
    return float(lat), float(lon)


def latlon_to_grid(latitude: float, longitude: float) -> tuple[float, float]:
    easting, northing = _to_grid().transform(longitude, latitude)
    return float(easting), float(northing)


def _number(
    errors: list[RowError], line: int, column: str, raw: str, bounds: tuple[float, float]
) -> float | None:
    """A finite number within bounds, or None (an error is recorded when it is not)."""
    try:
        value = float(raw)
    except ValueError:
        errors.append(RowError(line, column, f"'{raw[:40]}' is not a number"))
        return None
    if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        errors.append(
            RowError(line, column, f"{raw[:40]} is outside {bounds[0]:g} to {bounds[1]:g}")
        )
        return None
    return value


# The control characters `core.forms.clean_text` refuses (all but tab and newlines), as one
# compiled pattern: the register has five text cells a row and 200,000 rows.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(errors: list[RowError], line: int, column: str, raw: str) -> str:
    label, limit = _TEXT_LIMITS[column]
    if _CONTROL.search(raw):
        errors.append(RowError(line, column, f"{label} must not contain control characters"))
        return ""
    value = raw.strip()
    if len(value) > limit:
        errors.append(RowError(line, column, f"{label} must be {limit} characters or fewer"))
        return ""
    return value


def _coordinates(errors: list[RowError], line: int, raw: dict[str, str], row: _Row) -> None:
    given = {c: raw[c].strip() for c in ("easting", "northing", "latitude", "longitude")}
    has_grid = bool(given["easting"] or given["northing"])
    has_wgs = bool(given["latitude"] or given["longitude"])
    if not has_grid and not has_wgs:
        errors.append(
            RowError(line, "easting", "Give easting and northing, or latitude and longitude")
        )
        return
    before = len(errors)
    for pair, present in (
        (("easting", "northing"), has_grid),
        (("latitude", "longitude"), has_wgs),
    ):
        if present:
            for column in pair:
                if not given[column]:
                    other = pair[1] if column == pair[0] else pair[0]
                    errors.append(RowError(line, column, f"Missing: {other} is given without it"))
    if len(errors) > before:
        return
    values = row.values
    if has_grid:
        easting = _number(errors, line, "easting", given["easting"], EASTING_RANGE)
        northing = _number(errors, line, "northing", given["northing"], NORTHING_RANGE)
        values["easting"] = round(easting) if easting is not None else None
        values["northing"] = round(northing) if northing is not None else None
    if has_wgs:
        latitude = _number(errors, line, "latitude", given["latitude"], LATITUDE_RANGE)
        longitude = _number(errors, line, "longitude", given["longitude"], LONGITUDE_RANGE)
        values["latitude"] = round(latitude, 6) if latitude is not None else None
        values["longitude"] = round(longitude, 6) if longitude is not None else None
    if len(errors) > before:
        return
    if has_grid and has_wgs:
        easting, northing = latlon_to_grid(values["latitude"], values["longitude"])
        apart = math.hypot(easting - values["easting"], northing - values["northing"])
        if apart > AGREEMENT_METRES:
            errors.append(
                RowError(
                    line,
                    "latitude",
                    f"Latitude and longitude are {apart:,.0f} m from the easting and northing",
                )
            )
    row.needs_latlon = not has_wgs
    row.needs_grid = not has_grid


def validate_row(
    line: int, raw: dict[str, str], tenure_codes: set[str]
) -> tuple[_Row, list[RowError]]:
    """One row checked in full: every problem is reported, not just the first."""
    errors: list[RowError] = []
    row = _Row(line=line)
    values = row.values
    uprn = raw["uprn"].strip()
    if not uprn:
        errors.append(RowError(line, "uprn", "Missing: every register row needs its UPRN"))
    elif not _UPRN.match(uprn):
        errors.append(RowError(line, "uprn", "A UPRN is 1 to 12 digits, not starting with 0"))
    values["uprn"] = uprn
    values["line1"] = _text(errors, line, "address_line1", raw["address_line1"])
    if not values["line1"] and not any(e.column == "address_line1" for e in errors):
        errors.append(RowError(line, "address_line1", "Missing: enter the first line"))
    values["line2"] = _text(errors, line, "address_line2", raw["address_line2"])
    values["town"] = _text(errors, line, "town", raw["town"])
    values["ward"] = _text(errors, line, "ward", raw["ward"])
    values["landlord"] = _text(errors, line, "landlord", raw["landlord"])
    postcode = normalise_postcode(raw["postcode"]) if len(raw["postcode"]) <= 20 else None
    if not raw["postcode"].strip():
        errors.append(RowError(line, "postcode", "Missing: enter the postcode"))
    elif postcode is None:
        errors.append(RowError(line, "postcode", "Not a full UK postcode, like NB1 2AB"))
    else:
        values["postcode"] = postcode
        values["postcode_key"] = postcode_key(postcode)
    tenure = raw["tenure"].strip() or "unknown"
    if tenure not in tenure_codes:
        errors.append(
            RowError(
                line, "tenure", f"Unknown tenure; use one of {', '.join(sorted(tenure_codes))}"
            )
        )
    values["tenure"] = tenure
    _coordinates(errors, line, raw, row)
    return row, errors


def read_register(
    stream: IO[str], columns: tuple[str, ...] = REGISTER_COLUMNS
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row; a header that is not exactly the columns raises.
    Other imports with the same all-or-nothing rules pass their own `columns` (housing
    signals, nestguard/prevention/services/signals.py)."""
    reader = csv.DictReader(stream)
    try:
        header = tuple(h.strip().lower() for h in (reader.fieldnames or ()))
    except csv.Error as exc:
        raise RegisterImportError([RowError(1, "header", f"Not readable as CSV ({exc})")]) from None
    if header != columns:
        missing = [c for c in columns if c not in header]
        unknown = [c for c in header if c not in columns]
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown {', '.join(unknown)}")
        if not parts:
            parts.append("the columns are out of order")
        expected = ", ".join(columns)
        raise RegisterImportError(
            [RowError(1, "header", f"{'; '.join(parts)} (expected: {expected})")]
        )
    reader.fieldnames = list(columns)
    line = 1
    try:
        for raw in reader:
            line = reader.line_num
            if None in raw or any(v is None for v in raw.values()):
                yield line, {"__shape__": "wrong number of fields"}
                continue
            yield line, raw
    except csv.Error as exc:  # a stray quote or carriage return: the rest cannot be read
        raise RegisterImportError(
            [RowError(max(reader.line_num, line + 1), "row", f"Not readable as CSV ({exc})")]
        ) from None


def validate_register(
    rows: Iterable[tuple[int, dict[str, str]]],
) -> tuple[list[_Row], list[RowError]]:
    tenure_codes = set(tenures().values)
    good: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        if "__shape__" in raw:
            errors.append(RowError(line, "row", f"This row has the {raw['__shape__']}"))
            continue
        row, row_errors = validate_row(line, raw, tenure_codes)
        uprn = row.values["uprn"]
        if uprn and uprn in seen:
            row_errors.append(RowError(line, "uprn", f"UPRN {uprn} is also on row {seen[uprn]}"))
        elif uprn:
            seen[uprn] = line
        errors.extend(row_errors)
        if not row_errors:
            good.append(row)
    return good, errors


def _fill_coordinates(rows: list[_Row]) -> None:
    """Convert the missing pair for all rows at once (pyproj is fast on arrays)."""
    grid = [r for r in rows if r.needs_latlon]
    if grid:
        lons, lats = _to_wgs84().transform(
            [r.values["easting"] for r in grid], [r.values["northing"] for r in grid]
        )
        for r, lon, lat in zip(grid, lons, lats, strict=True):
            r.values["latitude"], r.values["longitude"] = round(float(lat), 6), round(float(lon), 6)
    wgs = [r for r in rows if r.needs_grid]
    if wgs:
        eastings, northings = _to_grid().transform(
            [r.values["longitude"] for r in wgs], [r.values["latitude"] for r in wgs]
        )
        for r, e, n in zip(wgs, eastings, northings, strict=True):
            r.values["easting"], r.values["northing"] = round(float(e)), round(float(n))


def _upsert(
    rows: list[_Row],
    result: ImportResult,
    batch_size: int,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    # bulk_update writes the values on the objects and never stamps `auto_now` itself: the
    # time is set here, so that a changed address says so (the person index's cache of the
    # register is keyed on it, nestguard/linkage/address_index.py).
    now = timezone.now()
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        existing = Address.objects.in_bulk([r.values["uprn"] for r in batch], field_name="uprn")
        new, changed = [], []
        for row in batch:
            values = row.values
            current = existing.get(values["uprn"])
            if current is None:
                new.append(Address(uprn=values["uprn"], in_register=True, **_pick(values)))
                continue
            if all(getattr(current, f) == values[f] for f in _FIELDS) and current.in_register:
                result.unchanged += 1
                continue
            for f in _FIELDS:
                setattr(current, f, values[f])
            current.in_register = True
            current.updated_at = now
            changed.append(current)
        Address.objects.bulk_create(new, batch_size=batch_size)
        if changed:
            Address.objects.bulk_update(
                changed, [*_FIELDS, "in_register", "updated_at"], batch_size=batch_size
            )
        result.created += len(new)
        result.updated += len(changed)
        if progress is not None:
            progress(start + len(batch), len(rows))


@contextmanager
def _sqlite_cache(megabytes: int = 256) -> Iterator[None]:
    """A bigger page cache while writing a whole register to SQLite: random UUID keys make
    index inserts touch pages all over the file (as in the demo seeding, decision 0005)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-megabytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def _pick(values: dict[str, Any]) -> dict[str, Any]:
    return {f: values[f] for f in _FIELDS}


def _counted(
    rows: Iterator[tuple[int, dict[str, str]]], checked: Callable[[int], None] | None
) -> Iterator[tuple[int, dict[str, str]]]:
    for count, item in enumerate(rows, start=1):
        yield item
        if checked is not None:
            checked(count)


def address_register_import(
    *,
    actor: Any,
    stream: IO[str],
    source_name: str = "",
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
    checked: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a register file. Raises RegisterImportError (with every bad row) and writes
    nothing when any row is bad; otherwise creates and updates in batches, one transaction,
    one audit event with the counts. `checked(n)` is told each row counted (a job's progress);
    `progress(written, total)` is called after each batch (inside the transaction: nothing is
    committed until the last)."""
    good, errors = validate_register(_counted(read_register(stream), checked))
    if errors:
        raise RegisterImportError(errors)
    _fill_coordinates(good)
    result = ImportResult(rows=len(good))
    with transaction.atomic(), _sqlite_cache():
        _upsert(good, result, batch_size, progress)
        audit_record(
            actor=actor,
            action="address.register_import",
            object_type="address_register",
            object_label=source_name[:200],
            details={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
    return result


def register_rows(addresses: Iterable[Address]) -> Iterator[dict[str, Any]]:
    """Register addresses as rows of the import file (the demo's register, an export)."""
    for a in addresses:
        yield {
            "uprn": a.uprn or "",
            "address_line1": a.line1,
            "address_line2": a.line2,
            "town": a.town,
            "postcode": a.postcode,
            "easting": "" if a.easting is None else a.easting,
            "northing": "" if a.northing is None else a.northing,
            "latitude": "" if a.latitude is None else a.latitude,
            "longitude": "" if a.longitude is None else a.longitude,
            "ward": a.ward,
            "tenure": a.tenure,
            "landlord": a.landlord,
        }


def write_register(stream: IO[str], addresses: Iterable[Address]) -> int:
    writer = csv.DictWriter(stream, fieldnames=list(REGISTER_COLUMNS), lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in register_rows(addresses):
        writer.writerow(row)
        count += 1
    return count
