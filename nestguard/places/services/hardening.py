"""Target-hardening measures at a property: cost, funding source and the tenure at the time,
so that the funding gap for private-sector tenants stays visible."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.selectors import can_work_cases
from nestguard.audit.services import audit_record
from nestguard.core.validation import code_value, date_value, text_value
from nestguard.places.models import Address, HardeningMeasure, funding_sources, hardening_measures

MAX_COST_PENCE = 10_000_000  # £100,000: more is a typing mistake
NOTES_MAX = 2000


def parse_cost(errors: dict[str, str], value: Any) -> int:
    """Pounds (e.g. "180", "180.50", "£1,250") to whole pence."""
    if isinstance(value, bool) or value is None or value == "":
        errors["cost"] = "Enter the cost in pounds, like 180.50"
        return 0
    text = str(value).strip().replace(",", "").removeprefix("£")
    try:
        pounds = Decimal(text)
    except InvalidOperation:
        errors["cost"] = "Enter the cost in pounds, like 180.50"
        return 0
    if not pounds.is_finite() or pounds < 0 or pounds != pounds.quantize(Decimal("0.01")):
        errors["cost"] = "Enter the cost in pounds and pence, like 180.50"
        return 0
    pence = int(pounds * 100)
    if pence > MAX_COST_PENCE:
        errors["cost"] = "The cost must be £100,000 or less"
        return 0
    return pence


def hardening_record(
    *,
    actor: Any,
    address: Address,
    measure: Any,
    cost: Any,
    funding: Any,
    fitted_on: Any = None,
    notes: Any = "",
) -> HardeningMeasure:
    from nestguard.places.access_policy import visible_addresses

    if not can_work_cases(actor) or not visible_addresses(actor).filter(pk=address.pk).exists():
        raise PermissionDenied("Only caseworkers who work on this address record its hardening")
    errors: dict[str, str] = {}
    measure = code_value(errors, "measure", measure, hardening_measures(), "Choose the measure")
    funding = code_value(errors, "funding", funding, funding_sources(), "Choose who pays")
    pence = parse_cost(errors, cost)
    fitted = date_value(errors, "fitted_on", fitted_on, label="date fitted", required=False)
    if fitted and fitted > timezone.localdate():
        errors["fitted_on"] = "The date fitted must be today or in the past"
    text = text_value(errors, "notes", notes, label="Notes", max_length=NOTES_MAX, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = HardeningMeasure.objects.create(
            address=address,
            measure=measure,
            cost_pence=pence,
            funding=funding,
            tenure=address.tenure,
            fitted_on=fitted,
            notes=text,
            agency=actor.agency,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="hardening.record",
            obj=item,
            details={"measure": measure, "cost_pence": pence, "funding": funding},
        )
    return item
