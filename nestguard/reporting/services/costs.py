"""Entering what a project cost over a period: the one write path for `ProjectCost`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from nestguard.access.rules import MANAGING_PARTNERSHIP
from nestguard.audit.services import audit_record
from nestguard.core.forms import clean_text
from nestguard.reporting.costs import PENNY, money
from nestguard.reporting.models import ProjectCost

if TYPE_CHECKING:
    from nestguard.accounts.models import User

NOT_MANAGER = "Only a partnership manager enters what a project cost"
PROJECT_MAX = 120
DESCRIPTION_MAX = 2000
# £10m for one project in one period: more is a typing mistake (max_digits allows more).
AMOUNT_MAX = Decimal("10000000.00")
EARLIEST = date(2000, 1, 1)


def project_cost_record(
    actor: User,
    *,
    project: Any,
    starts_on: Any,
    ends_on: Any,
    amount: Any,
    description: Any = "",
) -> ProjectCost:
    """Record what `project` cost from `starts_on` to `ends_on` (inclusive). Refused, with
    every reason at once and nothing written: a negative, zero or fractional-penny amount, an
    end before the start, or a period that overlaps one already entered for the project."""
    if not MANAGING_PARTNERSHIP.allows(actor):
        raise PermissionDenied(NOT_MANAGER)
    errors: dict[str, str] = {}
    name = _text(errors, "project", project, "Project", PROJECT_MAX, required=True)
    notes = _text(errors, "description", description, "Description", DESCRIPTION_MAX)
    start = _date(errors, "starts_on", starts_on, "start date")
    end = _date(errors, "ends_on", ends_on, "end date")
    if start and end and end < start:
        errors["ends_on"] = "The end date must be the same as or after the start date"
    pounds = parse_amount(errors, "amount", amount)
    with transaction.atomic():
        if name and start and end and "ends_on" not in errors:
            clash = _overlapping(name, start, end)
            if clash is not None:
                errors["starts_on"] = (
                    f"{name} already has a cost from {clash.starts_on:%-d %B %Y} to "
                    f"{clash.ends_on:%-d %B %Y}: periods of one project must not overlap"
                )
        if errors:
            raise ValidationError(errors)
        assert start is not None and end is not None and pounds is not None
        cost = ProjectCost.objects.create(
            project=name,
            starts_on=start,
            ends_on=end,
            amount=pounds,
            description=notes,
            entered_by=actor,
        )
        audit_record(
            actor=actor,
            action="project_cost.record",
            obj=cost,
            details={
                "project": name,
                "starts_on": start.isoformat(),
                "ends_on": end.isoformat(),
                "amount": str(pounds),
            },
        )
    return cost


def _overlapping(project: str, start: date, end: date) -> ProjectCost | None:
    # Two periods overlap when each starts on or before the other ends. The project's rows
    # are locked so that two managers entering at once cannot both pass this check on
    # PostgreSQL; a first entry for a project has no rows to lock, and the race it leaves
    # (two first entries in the same instant) is one a manager sees in the list at once.
    rows = ProjectCost.objects.select_for_update().filter(project__iexact=project)
    return rows.filter(starts_on__lte=end, ends_on__gte=start).order_by("starts_on").first()


def parse_amount(errors: dict[str, str], field: str, value: Any) -> Decimal | None:
    """Pounds and pence ("27705", "27,705.00", "£27705.5") as an exact Decimal."""
    if isinstance(value, bool) or value is None or value == "":
        errors[field] = "Enter the amount in pounds, like 27705.00"
        return None
    text = str(value).strip().replace(",", "").removeprefix("£")
    try:
        pounds = Decimal(text)
    except InvalidOperation:
        errors[field] = "Enter the amount in pounds, like 27705.00"
        return None
    if not pounds.is_finite() or pounds != pounds.quantize(PENNY):
        errors[field] = "Enter the amount in pounds and pence, like 27705.50"
    elif pounds <= 0:
        errors[field] = "The amount must be more than £0"
    elif pounds > AMOUNT_MAX:
        errors[field] = f"The amount must be {money(AMOUNT_MAX)} or less"
    else:
        return pounds.quantize(PENNY)
    return None


def _text(
    errors: dict[str, str],
    field: str,
    value: Any,
    label: str,
    max_length: int,
    *,
    required: bool = False,
) -> str:
    """Free text as typed, stripped, with no control characters (core.forms.clean_text)."""
    if not isinstance(value, str | None):
        errors[field] = f"{label} must be text"
        return ""
    try:
        cleaned = clean_text(value or "", label=label)
    except ValidationError as exc:
        errors[field] = exc.messages[0]
        return ""
    if required and not cleaned:
        errors[field] = f"Enter the {label.lower()}"
    elif len(cleaned) > max_length:
        errors[field] = f"{label} must be {max_length:,} characters or fewer"
    else:
        return cleaned
    return ""


def _date(errors: dict[str, str], field: str, value: Any, label: str) -> date | None:
    if value is None or value == "":
        errors[field] = f"Enter the {label}"
    elif not isinstance(value, date) or value < EARLIEST or value.year > 2100:
        errors[field] = f"The {label} must be a real date after {EARLIEST:%-d %B %Y}"
    else:
        return value
    return None
