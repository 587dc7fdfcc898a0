"""Helpers the case services share: permission gates, text checks, the closed-case rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from nestguard.cases.models import Case, CaseStatus
from nestguard.core.forms import clean_text

# Free text limits: long enough for a careful account, short enough to stop a pasted file.
SUMMARY_MAX = 5000
NOTE_MAX = 10000
REASON_MAX = 2000


def require(check: Callable[[Any, Case], bool], actor: Any, case: Case, message: str) -> None:
    if not check(actor, case):
        raise PermissionDenied(message)


def require_open(case: Case, doing: str) -> None:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"case": f"Case {case.reference} is closed: reopen it to {doing}"})


def text_field(
    errors: dict[str, str],
    field: str,
    value: Any,
    *,
    label: str,
    max_length: int,
    required: bool,
    missing: str = "",
) -> str:
    """Check one free-text value; record a message in `errors` and return "" if it is bad."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = f"{label} must be text"
        return ""
    try:
        cleaned = clean_text(value, label=label)
    except ValidationError as exc:
        errors[field] = exc.messages[0]
        return ""
    if required and not cleaned:
        errors[field] = missing or f"Enter {label[0].lower()}{label[1:]}"
        return ""
    if len(cleaned) > max_length:
        errors[field] = f"{label} must be {max_length:,} characters or fewer"
        return ""
    return cleaned


def person_label(user: Any) -> str:
    agency = getattr(user, "agency", None)
    return f"{user} ({agency})" if agency else str(user)
