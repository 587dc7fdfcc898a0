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


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One agency's record of a person. Linking never alters it."""

    record_id: str
    source: str = ""
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""  # "", YYYY-MM-DD, or partial YYYY-MM / YYYY
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
    if not 1850 <= int(year) <= 2200:
        raise ValueError(f"{value!r} has an impossible year")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} has an impossible month")
    if day is not None:
        try:
            date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date") from exc
    return value
