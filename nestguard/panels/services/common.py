"""Checks the panel services share."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from nestguard.cases.services.common import text_field
from nestguard.panels import rules
from nestguard.panels.models import Panel

__all__ = ["EARLIEST", "FURTHEST_AHEAD", "date_value", "require_chair", "text_field"]

EARLIEST = date(2000, 1, 1)
FURTHEST_AHEAD = timedelta(days=3 * 365)
TITLE_MAX = 300
TEXT_MAX = 10000
DESCRIPTION_MAX = 2000


def require_chair(actor: Any, panel: Panel) -> None:
    if not rules.is_chair(actor, panel):
        raise PermissionDenied("Only the panel's chairs can do this")


def date_value(errors: dict[str, str], field: str, value: Any, label: str) -> date | None:
    """A real date, neither before 2000 nor more than three years ahead: else a message."""
    if value is None or value == "":
        errors[field] = f"Enter the {label}"
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            errors[field] = f"The {label} must be a real date"
            return None
    if not isinstance(value, date):
        errors[field] = f"The {label} must be a real date"
        return None
    latest = timezone.localdate() + FURTHEST_AHEAD
    if value < EARLIEST or value > latest:
        errors[field] = f"The {label} must be between {EARLIEST:%-d %B %Y} and {latest:%-d %B %Y}"
        return None
    return value
