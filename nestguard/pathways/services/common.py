"""Checks the pathway services share: codes, dates and times, free text, people on cases."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from nestguard.cases.models import Case, CaseSubject
from nestguard.cases.services.common import text_field
from nestguard.core.codes import CodeList
from nestguard.pathways import policy
from nestguard.people.models import Person

SHORT_MAX = 200
TEXT_MAX = 5000
# A clock a few minutes fast on a partner's machine is not a time in the future.
CLOCK_SKEW = timedelta(minutes=5)

__all__ = ["text_field"]


def earliest() -> date:
    return date(int(policy.rule_value("missing_rules", "earliest_year")), 1, 1)


def code(errors: dict[str, Any], field: str, value: Any, codes: CodeList, missing: str) -> str:
    if not isinstance(value, str) or value not in codes:
        errors[field] = missing
        return ""
    return value


def code_set(
    errors: dict[str, Any], field: str, values: Any, codes: CodeList, *, missing: str
) -> list[str]:
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        errors[field] = missing
        return []
    unknown = [v for v in values if v not in codes]
    if unknown:
        errors[field] = f"Unknown codes: {', '.join(sorted(set(unknown)))[:200]}"
        return []
    return sorted(set(values), key=codes.values.index)


def moment(
    errors: dict[str, Any],
    field: str,
    value: Any,
    *,
    label: str,
    required: bool,
    not_before: datetime | None = None,
    not_before_label: str = "",
) -> datetime | None:
    """A date and time: aware, not in the future, not before `not_before`."""
    if value is None or value == "":
        if required:
            errors[field] = f"Enter the {label}"
        return None
    if not isinstance(value, datetime) or timezone.is_naive(value):
        errors[field] = f"The {label} must be a real date and time"
        return None
    if value.date() < earliest():
        errors[field] = f"The {label} must be after {earliest():%-d %B %Y}"
        return None
    if value > timezone.now() + CLOCK_SKEW:
        errors[field] = f"The {label} must be now or in the past"
        return None
    if not_before is not None and value < not_before:
        errors[field] = f"The {label} must be on or after the {not_before_label}"
        return None
    return value


def day(
    errors: dict[str, Any],
    field: str,
    value: Any,
    *,
    label: str,
    not_before: date | None = None,
    not_before_label: str = "",
) -> date | None:
    """A date that has happened: not in the future, not before `not_before`."""
    if value is None or value == "":
        errors[field] = f"Enter the {label}"
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        errors[field] = f"The {label} must be a real date"
        return None
    if value < earliest():
        errors[field] = f"The {label} must be after {earliest():%-d %B %Y}"
        return None
    if value > timezone.localdate():
        errors[field] = f"The {label} must be today or in the past"
        return None
    if not_before is not None and value < not_before:
        errors[field] = f"The {label} must be on or after {not_before_label}"
        return None
    return value


def person_on_case(case: Case, person: Person) -> bool:
    return CaseSubject.objects.filter(case=case, person=person).exists()


def check_case_link(errors: dict[str, Any], case: Case | None, person: Person) -> None:
    if case is not None and not person_on_case(case, person):
        errors["case"] = f"{person.display_name} is not named on case {case.reference}"


# Identifying details an anonymous record must not hold: a postcode, a date, a phone number.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_PHONE = re.compile(r"(?:\+44|\b0)\s*\d(?:[\s-]?\d){8,10}\b")


def identifying_detail(text: str) -> str:
    """The kind of identifying detail found in text, or ""."""
    if _POSTCODE.search(text):
        return "a postcode"
    if _DATE.search(text):
        return "a date (such as a date of birth)"
    if _PHONE.search(text):
        return "a phone number"
    return ""
