"""The one write path for a child's placements and education statuses: record one, record
its end. Caseworkers and supervisors who may see a case naming the child record them; every
change is audited (decision 0110)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.access.selectors import can_work_cases
from nestguard.audit.services import audit_record
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import CaseSubject
from nestguard.childhood.models import (
    EducationStatus,
    Placement,
    education_statuses,
    placement_types,
)
from nestguard.core.validation import code_value, date_value, text_value
from nestguard.places.models import Address

if TYPE_CHECKING:
    from nestguard.accounts.models import Agency, User
    from nestguard.people.models import Person

NAME_MAX = 200
NOT_ON_CASE = "Only caseworkers and supervisors who may see a case about the child record this"


def require_on_case(actor: User, person: Person) -> Agency:
    """The actor's agency, when they work cases and may see a case naming the person."""
    if (
        not can_work_cases(actor)
        or actor.agency is None
        or not CaseSubject.objects.filter(case_visible(actor), person=person).exists()
    ):
        raise PermissionDenied(NOT_ON_CASE)
    return actor.agency


def _writable(actor: User, person: Person) -> Agency:
    """`require_on_case`, and the person's records are not under a restriction of processing
    (a write the door refuses: decision 0111)."""
    agency = require_on_case(actor, person)
    refuse_if_restricted(actor=actor, people=[person.pk])
    return agency


def _dates(
    errors: dict[str, str], person: Person, starts_on: Any, ends_on: Any
) -> tuple[date | None, date | None]:
    today = timezone.localdate()
    start = date_value(errors, "starts_on", starts_on, label="start date", required=True)
    end = date_value(errors, "ends_on", ends_on, label="end date", required=False)
    if start is not None and start > today:
        errors["starts_on"] = "The start date must be today or in the past"
    elif start is not None and person.date_of_birth is not None:
        if start < person.date_of_birth:
            errors["starts_on"] = "The start date must be on or after the date of birth"
        elif (person.age_on(start) or 0) >= 18:
            errors["starts_on"] = f"{person.display_name} was 18 or over on the start date"
    if end is not None and "ends_on" not in errors:
        if end > today:
            errors["ends_on"] = "The end date must be today or in the past"
        elif start is not None and end < start:
            errors["ends_on"] = "The end date must be the same as or after the start date"
    return start, end


def _end_date(errors: dict[str, str], record: Placement | EducationStatus, ends_on: Any) -> date:
    end = date_value(errors, "ends_on", ends_on, label="end date", required=True)
    if record.ends_on is not None:
        errors["ends_on"] = "It has already ended"
    elif end is not None and end > timezone.localdate():
        errors["ends_on"] = "The end date must be today or in the past"
    elif end is not None and end < record.starts_on:
        errors["ends_on"] = "The end date must be the same as or after the start date"
    if errors:
        raise ValidationError(errors)
    assert end is not None
    return end


def placement_record(
    actor: User,
    *,
    person: Person,
    placement_type: Any,
    placing_authority: Any,
    located_authority: Any = "",
    out_of_borough: bool | None = None,
    address: Address | None = None,
    starts_on: Any,
    ends_on: Any = None,
) -> Placement:
    agency = _writable(actor, person)
    errors: dict[str, str] = {}
    code = code_value(
        errors, "placement_type", placement_type, placement_types(), "Choose the placement type"
    )
    placing = text_value(
        errors,
        "placing_authority",
        placing_authority,
        label="Placing authority",
        max_length=NAME_MAX,
        required=True,
    )
    located = text_value(
        errors,
        "located_authority",
        located_authority,
        label="Local authority the placement is in",
        max_length=NAME_MAX,
        required=False,
    )
    if out_of_borough not in (None, True, False):
        errors["out_of_borough"] = "Choose whether the placement is out of borough"
    if address is not None and not address.in_register:
        errors["address"] = "Choose an address in the register"
    start, end = _dates(errors, person, starts_on, ends_on)
    if errors:
        raise ValidationError(errors)
    assert start is not None
    with transaction.atomic():
        placement = Placement.objects.create(
            person=person,
            placement_type=code,
            placing_authority=placing,
            located_authority=located,
            # Derived from the two authorities when both are known: recorded otherwise.
            recorded_out_of_borough=None if located else out_of_borough,
            address=address,
            starts_on=start,
            ends_on=end,
            recording_agency=agency,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="childhood.placement_record",
            obj=placement,
            purpose="case_work",
            details={
                "person": str(person.pk),
                "type": code,
                "out_of_borough": placement.out_of_borough,
            },
        )
    return placement


def _record_end(
    actor: User, record: Placement | EducationStatus, ends_on: Any, action: str
) -> None:
    """The end date of a placement or an education status, checked and audited."""
    _writable(actor, record.person)
    end = _end_date({}, record, ends_on)
    with transaction.atomic():
        record.ends_on = end
        record.save(update_fields=["ends_on", "updated_at"])
        audit_record(
            actor=actor,
            action=action,
            obj=record,
            purpose="case_work",
            details={"ends_on": end.isoformat()},
        )


def placement_end(actor: User, *, placement: Placement, ends_on: Any) -> Placement:
    _record_end(actor, placement, ends_on, "childhood.placement_end")
    return placement


def education_record(
    actor: User,
    *,
    person: Person,
    status: Any,
    provider: Any = "",
    starts_on: Any,
    ends_on: Any = None,
) -> EducationStatus:
    agency = _writable(actor, person)
    errors: dict[str, str] = {}
    code = code_value(errors, "status", status, education_statuses(), "Choose the education status")
    name = text_value(
        errors,
        "provider",
        provider,
        label="School or provider",
        max_length=NAME_MAX,
        required=False,
    )
    start, end = _dates(errors, person, starts_on, ends_on)
    if errors:
        raise ValidationError(errors)
    assert start is not None
    with transaction.atomic():
        record = EducationStatus.objects.create(
            person=person,
            status=code,
            provider=name,
            starts_on=start,
            ends_on=end,
            recording_agency=agency,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="childhood.education_record",
            obj=record,
            purpose="case_work",
            details={"person": str(person.pk), "status": code},
        )
    return record


def education_end(actor: User, *, record: EducationStatus, ends_on: Any) -> EducationStatus:
    _record_end(actor, record, ends_on, "childhood.education_end")
    return record
