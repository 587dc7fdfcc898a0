"""The one write path for planned operations: plan (and tell), answer, cancel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.rules import CASE_ROLES
from nestguard.audit.disclosure import disclosure_basis
from nestguard.audit.services import audit_record
from nestguard.core.models import next_reference
from nestguard.core.validation import code_value, text_value
from nestguard.deconfliction.models import (
    Notice,
    OperationStatus,
    PlannedOperation,
    operation_kinds,
    response_kinds,
)
from nestguard.deconfliction.services.recipients import recipients
from nestguard.places.models import Address

if TYPE_CHECKING:
    from nestguard.accounts.models import Agency, User

NOTE_MAX = 1000
# A window longer than this is not one visit or operation but a standing intention.
LONGEST_WINDOW = timedelta(days=14)
NOT_CASEWORKER = "Only caseworkers and supervisors plan and answer visits, warrants and operations"


def _require_caseworker(actor: User) -> Agency:
    """The actor's agency, when they work cases for it."""
    if actor.agency is None or not actor.has_role(*CASE_ROLES):
        raise PermissionDenied(NOT_CASEWORKER)
    return actor.agency


def _window(errors: dict[str, str], starts_at: Any, ends_at: Any) -> None:
    now = timezone.now()
    if not isinstance(starts_at, datetime):
        errors["starts_at"] = "Enter when the window opens"
    elif starts_at <= now:
        errors["starts_at"] = "The window must open in the future: partners answer before it opens"
    if not isinstance(ends_at, datetime):
        errors["ends_at"] = "Enter when the window closes"
    elif isinstance(starts_at, datetime) and "starts_at" not in errors:
        if ends_at <= starts_at:
            errors["ends_at"] = "The window must close after it opens"
        elif ends_at - starts_at > LONGEST_WINDOW:
            errors["ends_at"] = "The window must be 14 days or shorter"


def operation_plan(
    actor: User, *, address: Address, kind: Any, starts_at: Any, ends_at: Any, partner_note: Any
) -> PlannedOperation:
    """Plan a visit, warrant or operation at `address` and tell, in the same transaction,
    every agency with work there that shares an agreement with the actor's agency."""
    planner = _require_caseworker(actor)
    errors: dict[str, str] = {}
    code = code_value(errors, "kind", kind, operation_kinds(), "Choose what is planned")
    _window(errors, starts_at, ends_at)
    note = text_value(
        errors,
        "partner_note",
        partner_note,
        label="What partners are told",
        max_length=NOTE_MAX,
        required=True,
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        operation = PlannedOperation.objects.create(
            reference=next_reference("deconfliction", "DCF"),
            address=address,
            kind=code,
            starts_at=starts_at,
            ends_at=ends_at,
            agency=planner,
            planned_by=actor,
            partner_note=note,
        )
        told = recipients(address, planner, now.date())
        for agency, reasons in told.items():
            notice = Notice.objects.create(
                operation=operation, agency=agency, reasons=reasons, told_at=now
            )
            audit_record(
                actor=actor,
                action="deconfliction.notify",
                obj=notice,
                purpose="door_check",
                basis=disclosure_basis(holders=[planner], recipient=agency),
                details={"operation": operation.reference, "agency": agency.name},
            )
        # The planner learns which partners have work at the address: their disclosure.
        audit_record(
            actor=actor,
            action="deconfliction.plan",
            obj=operation,
            purpose="door_check",
            basis=disclosure_basis(
                holders=list(told), recipient=actor.agency, fallback="no_records_shown"
            ),
            details={"kind": code, "told": [a.name for a in told]},
        )
    return operation


def notice_respond(actor: User, *, notice: Notice, response: Any, note: Any = "") -> Notice:
    """The told agency's answer, until the window opens (then the planner is already there)."""
    _require_caseworker(actor)
    if notice.agency_id != actor.agency_id:
        raise PermissionDenied("Only the agency that was told answers")
    operation = notice.operation
    errors: dict[str, str] = {}
    if operation.status != OperationStatus.PLANNED:
        errors["response"] = "It was cancelled: there is nothing to answer"
    elif timezone.now() >= operation.starts_at:
        errors["response"] = "The window has opened: answers closed when it did"
    code = code_value(errors, "response", response, response_kinds(), "Choose your answer")
    text = text_value(
        errors, "response_note", note, label="Your note", max_length=NOTE_MAX, required=False
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        notice.response, notice.response_note = code, text
        notice.responded_at, notice.responded_by = timezone.now(), actor
        notice.save(
            update_fields=[
                "response",
                "response_note",
                "responded_at",
                "responded_by",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="deconfliction.respond",
            obj=notice,
            purpose="door_check",
            basis=disclosure_basis(holders=[actor.agency], recipient=operation.agency),
            details={"operation": operation.reference, "response": code},
        )
    return notice


def operation_cancel(actor: User, *, operation: PlannedOperation) -> PlannedOperation:
    """The planning agency calls it off; those told see that it was cancelled."""
    _require_caseworker(actor)
    if operation.agency_id != actor.agency_id:
        raise PermissionDenied("Only the agency that planned it cancels it")
    if operation.status != OperationStatus.PLANNED:
        raise ValidationError({"status": "It is already cancelled"})
    with transaction.atomic():
        operation.status, operation.cancelled_at = OperationStatus.CANCELLED, timezone.now()
        operation.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit_record(actor=actor, action="deconfliction.cancel", obj=operation)
    return operation
