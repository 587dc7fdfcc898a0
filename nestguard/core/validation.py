"""Small checks of typed values that services share: each adds its message to `errors`
(field -> message) and returns the cleaned value, so a service reports every problem at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from nestguard.core.forms import clean_text

EARLIEST_DATE = date(2000, 1, 1)


def text_value(
    errors: dict[str, str], field: str, value: Any, *, label: str, max_length: int, required: bool
) -> str:
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
        errors[field] = f"Enter {label[0].lower()}{label[1:]}"
        return ""
    if len(cleaned) > max_length:
        errors[field] = f"{label} must be {max_length:,} characters or fewer"
        return ""
    return cleaned


def text_or_raise(
    value: Any, *, field: str, label: str, max_length: int, required: bool = False
) -> str:
    """`text_value` for services that check one field at a time: raises the field's error."""
    errors: dict[str, str] = {}
    cleaned = text_value(
        errors, field, value, label=label, max_length=max_length, required=required
    )
    if errors:
        raise ValidationError({field: errors[field]})
    return cleaned


def date_value(
    errors: dict[str, str], field: str, value: Any, *, label: str, required: bool
) -> date | None:
    if value is None or value == "":
        if required:
            errors[field] = f"Enter the {label}"
        return None
    if not isinstance(value, date):
        errors[field] = f"The {label} must be a real date"
        return None
    if value < EARLIEST_DATE or value.year > 2100:
        errors[field] = f"The {label} must be a real date after {EARLIEST_DATE:%-d %B %Y}"
        return None
    return value


def code_value(errors: dict[str, str], field: str, value: Any, codes: Any, message: str) -> str:
    if not isinstance(value, str) or value not in codes:
        errors[field] = message
        return ""
    return value
