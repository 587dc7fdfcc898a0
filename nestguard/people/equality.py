"""Equality monitoring fields of a person (decision 0091): sex, gender identity and ethnicity,
each optional and coded from a versioned list in `people/data/` (ONS Census 2021).

They are recorded for monitoring only (who the partnership reaches, by sex and ethnic group),
never to assess anyone: no risk instrument, prevention rule or linkage weight reads them, and
`people/tests/test_equality.py` checks it. "" means "not recorded".
"""

from __future__ import annotations

from typing import Any

from nestguard.core.codes import CodeList, code_list

# The Person fields, each with the code list that holds its values.
EQUALITY_FIELDS: tuple[str, ...] = ("sex", "gender_identity", "ethnicity")
LABELS = {"sex": "Sex", "gender_identity": "Gender identity", "ethnicity": "Ethnic group"}
NOT_RECORDED = "Not recorded"
MONITORING_ONLY = "For equality monitoring only; never used to assess risk."


def codes(field: str) -> CodeList:
    """The code list of one equality field (its name is the field's)."""
    if field not in EQUALITY_FIELDS:
        raise KeyError(f"{field!r} is not an equality field")
    return code_list("people", field)


def label(field: str, value: str) -> str:
    return codes(field).label(value) if value else NOT_RECORDED


def ethnic_group(value: str) -> str:
    """The census group label (one of the five, or "Prefer not to say", "Not known") of an
    ethnicity code; "Not recorded" for none."""
    if not value:
        return NOT_RECORDED
    return str(codes("ethnicity").get(value).get("group_label"))


def ethnic_groups() -> list[str]:
    """The group labels in the list's order, then "Not recorded"."""
    groups = dict.fromkeys(str(c.get("group_label")) for c in codes("ethnicity").codes)
    return [*groups, NOT_RECORDED]


def validate_equality(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(clean values, errors) for the equality fields given; a missing or empty value is ""."""
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in EQUALITY_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if value is None or value == "":
            clean[field] = ""
        elif not isinstance(value, str) or value not in codes(field):
            allowed = ", ".join(codes(field).values)
            errors[field] = f"{LABELS[field]} must be one of: {allowed}, or empty"
        else:
            clean[field] = value
    return clean, errors


def equality_rows(person: Any) -> list[tuple[str, str]]:
    """(label, value shown) for each equality field of a person, for the person page."""
    return [(LABELS[name], label(name, getattr(person, name))) for name in EQUALITY_FIELDS]


def sex_columns() -> list[tuple[str, str]]:
    """(code, heading) for a table split by sex: the code list, then "Not recorded"."""
    return [*codes("sex").choices, ("", NOT_RECORDED)]
