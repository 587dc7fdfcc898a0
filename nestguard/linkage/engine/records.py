"""Source records as the engine sees them: plain strings, "" when a field is missing."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date

# The field order is also the column order of the CSV files `link_file` reads.
FIELDS: tuple[str, ...] = (
    "record_id",
    "source",
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

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Forms a date of birth arrives in: year first (1950-04-06, 1950/4/6, 1950-04, 1950), day
# first as the UK writes it (6/4/1950, 06-04-1950, 06.04.1950) and eight digits (19500406).
_YEAR_FIRST = re.compile(r"^(\d{4})(?:[-/. ](\d{1,2})(?:[-/. ](\d{1,2}))?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$")
_EIGHT_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Month and year as UK systems write a partial date (11/1963, 11-1963).
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/. ](\d{4})$")
EARLIEST_YEAR, LATEST_YEAR = 1850, 2200


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One agency's record of a person. Linking never alters it."""

    record_id: str
    source: str = ""
    given_name: str = ""
    family_name: str = ""
    # As given: "", YYYY-MM-DD, partial YYYY-MM / YYYY, DD/MM/YYYY, YYYYMMDD, or a date
    # that is not real ("1950-43-06"), which is kept and compared as text (read_date_of_birth).
    date_of_birth: str = ""
    sex: str = ""
    address_line1: str = ""
    address_line2: str = ""
    town: str = ""
    postcode: str = ""
    phone: str = ""
    identifier: str = ""

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def check_date_of_birth(value: str) -> str:
    """Return the date of birth unchanged if it is "", YYYY, YYYY-MM or a real YYYY-MM-DD.

    Raises ValueError with a sentence a data officer can act on.
    """
    if value == "":
        return value
    match = _DATE_RE.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD (or YYYY-MM, YYYY)")
    year, month, day = match.groups()
    if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
        raise ValueError(f"{value!r} has an impossible year")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} has an impossible month")
    if day is not None:
        try:
            date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date") from exc
    return value


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date of birth as given, read: `parts` are its year, month and day as two-digit
    text ("" where not given) whether or not they make a real date, so that a transposed
    or mistyped month still compares closely as text; `iso` is the date in YYYY-MM-DD (or
    YYYY-MM, YYYY) when it is real, and `problem` says why not when it is not."""

    text: str
    parts: tuple[str, str, str]
    iso: str
    problem: str

    @property
    def doubtful(self) -> bool:
        return bool(self.problem)


def read_date_of_birth(value: str) -> DateReading:
    """Read a date of birth in any of the usual forms (also MM/YYYY); never raises."""
    text = value.strip()
    if not text:
        return DateReading("", ("", "", ""), "", "")
    groups: tuple[str | None, ...] | None = None
    if match := _YEAR_FIRST.match(text):
        groups = match.groups()
    elif match := _DAY_FIRST.match(text):
        day, month, year = match.groups()
        groups = (year, month, day)
    elif match := _EIGHT_DIGITS.match(text):
        groups = match.groups()
    elif match := _MONTH_YEAR.match(text):
        month, year = match.groups()
        groups = (year, month, None)
    if groups is None:
        return DateReading(text, ("", "", ""), "", f"{text!r} is not a date in a form read here")
    year, month, day = (g.zfill(2) if g else "" for g in groups)
    if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
        # "0000-00-00", "9999-12-31": a placeholder, not a slip; compared as missing.
        return DateReading(text, ("", "", ""), "", f"{text!r} has an impossible year")
    parts = (year, month, day)
    iso = "-".join(p for p in parts if p)
    try:
        check_date_of_birth(iso)
    except ValueError as exc:
        return DateReading(text, parts, "", str(exc).replace(repr(iso), repr(text)))
    return DateReading(text, parts, iso, "")
