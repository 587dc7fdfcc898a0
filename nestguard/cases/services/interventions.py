"""Interventions: what the partnership does about a case, who owns it, and by when."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.audit.services import audit_record
from nestguard.cases import rules
from nestguard.cases.models import (
    Case,
    CaseTeamAgency,
    CaseTeamUser,
    Intervention,
    InterventionStatus,
    intervention_types,
)
from nestguard.cases.services.chronology import chronology_event
from nestguard.cases.services.common import (
    SUMMARY_MAX,
    person_label,
    require,
    require_open,
    text_field,
)
from nestguard.core.versioning import require_version, versioned_save

# Dates further out than this are typing mistakes, not plans.
EARLIEST_DATE = date(2000, 1, 1)
FURTHEST_AHEAD = timedelta(days=3 * 365)
OPEN_STATUSES = (InterventionStatus.PLANNED, InterventionStatus.IN_PROGRESS)


def _date(errors: dict[str, str], field: str, value: Any, label: str, required: bool) -> Any:
    if value is None or value == "":
        if required:
            errors[field] = f"Enter the {label}"
        return None
    if not isinstance(value, date):
        errors[field] = f"The {label} must be a real date"
        return None
    if value < EARLIEST_DATE or value > timezone.localdate() + FURTHEST_AHEAD:
        errors[field] = (
            f"The {label} must be between {EARLIEST_DATE:%-d %B %Y} and "
            f"{timezone.localdate() + FURTHEST_AHEAD:%-d %B %Y}"
        )
        return None
    return value


def owner_agency_ids(case: Case) -> set[Any]:
    """Agencies whose users may own an intervention: the lead and the team's agencies."""
    ids = {case.lead_agency_id}
    ids.update(CaseTeamAgency.objects.filter(case=case).values_list("agency_id", flat=True))
    return ids


def _owner_allowed(case: Case, owner: Any) -> bool:
    if owner.agency_id in owner_agency_ids(case):
        return True
    return CaseTeamUser.objects.filter(case=case, user=owner).exists()


def _describe(intervention: Intervention) -> str:
    return intervention_types().label(intervention.type)


def intervention_add(
    *,
    actor: Any,
    case: Case,
    type: str,
    owner: Any,
    starts_on: date,
    due_on: date | None = None,
    notes: str = "",
) -> Intervention:
    """Record an intervention. Its owner must be a user of an agency on the case (or named on
    the team). Partner caseworkers record interventions they own themselves."""
    require(rules.can_contribute_to_case, actor, case, "You cannot add to this case")
    require_open(case, "add interventions")
    refuse_if_restricted(actor=actor, record=case)
    errors: dict[str, str] = {}
    if not isinstance(type, str) or type not in intervention_types():
        errors["type"] = "Choose the type of intervention"
    if owner is None or not getattr(owner, "pk", None):
        errors["owner"] = "Choose who owns the intervention"
    elif not owner.is_active:
        errors["owner"] = f"{owner} no longer has an active account"
    elif not rules.can_edit_case(actor, case) and owner.pk != actor.pk:
        errors["owner"] = "Partner agencies record interventions they own themselves"
    elif owner.agency_id is None or not _owner_allowed(case, owner):
        errors["owner"] = (
            f"{owner}'s agency is not on this case: add {owner.agency or 'it'} to the case "
            "team first"
        )
    starts = _date(errors, "starts_on", starts_on, "start date", required=True)
    due = _date(errors, "due_on", due_on, "due date", required=False)
    if starts and due and due < starts:
        errors["due_on"] = "The due date must be the same as or after the start date"
    cleaned_notes = text_field(
        errors, "notes", notes, label="Notes", max_length=SUMMARY_MAX, required=False
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        intervention = Intervention.objects.create(
            case=case,
            type=type,
            owner=owner,
            owner_agency=owner.agency,
            starts_on=starts,
            due_on=due,
            notes=cleaned_notes,
        )
        due_text = f", due {due:%-d %B %Y}" if due else ""
        chronology_event(
            case=case,
            text=(
                f"Intervention added: {_describe(intervention)}, owned by {person_label(owner)}, "
                f"from {starts:%-d %B %Y}{due_text}"
            ),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="intervention.add",
            obj=intervention,
            object_label=f"{case.reference}: {_describe(intervention)}",
            details={"case": case.reference, "type": type, "owner": owner.get_username()},
        )
    return intervention


def intervention_update(
    *,
    actor: Any,
    intervention: Intervention,
    status: str,
    completed_on: date | None = None,
    notes: str | None = None,
    expected_version: int | None = None,
) -> Intervention:
    """Move an intervention on. Completed needs the date it was completed, not in the
    future and not before it started; any other status has no completion date.
    `expected_version`: the intervention's version the editor started from (core.versioning)."""
    case = intervention.case
    if not rules.can_update_intervention(actor, intervention):
        raise PermissionDenied("Only the case team or the intervention's owner can update it")
    require_version(intervention, expected_version)
    require_open(case, "update interventions")
    refuse_if_restricted(actor=actor, record=case)
    errors: dict[str, str] = {}
    if status not in InterventionStatus.values:
        errors["status"] = "Choose the intervention's status"
    completed = None
    if status == InterventionStatus.COMPLETED:
        completed = _date(errors, "completed_on", completed_on, "completion date", required=True)
        if completed and completed > timezone.localdate():
            errors["completed_on"] = "The completion date must be today or in the past"
        elif completed and completed < intervention.starts_on:
            errors["completed_on"] = (
                f"The completion date must be on or after the start date, "
                f"{intervention.starts_on:%-d %B %Y}"
            )
    elif completed_on not in (None, ""):
        errors["completed_on"] = "Leave the completion date empty unless it is completed"
    new_notes = intervention.notes
    if notes is not None:
        new_notes = text_field(
            errors, "notes", notes, label="Notes", max_length=SUMMARY_MAX, required=False
        )
    if not errors and (status, completed, new_notes) == (
        intervention.status,
        intervention.completed_on,
        intervention.notes,
    ):
        errors["status"] = "Nothing has changed"
    if errors:
        raise ValidationError(errors)
    previous = intervention.status
    with (
        transaction.atomic(),
        versioned_save(intervention, actor=actor, expected_version=expected_version),
    ):
        intervention.status = status
        intervention.completed_on = completed
        intervention.notes = new_notes
        intervention.save(update_fields=["status", "completed_on", "notes", "updated_at"])
        done = f" on {completed:%-d %B %Y}" if completed else ""
        chronology_event(
            case=case,
            text=(
                f"Intervention {_describe(intervention)}: "
                f"{InterventionStatus(status).label.lower()}{done} (was "
                f"{InterventionStatus(previous).label.lower()}), updated by {actor}"
            ),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="intervention.update",
            obj=intervention,
            object_label=f"{case.reference}: {_describe(intervention)}",
            details={
                "case": case.reference,
                "from": previous,
                "to": status,
                "version": intervention.version,
            },
        )
    return intervention


def open_interventions(case: Case) -> list[Intervention]:
    return list(
        Intervention.objects.filter(case=case, status__in=OPEN_STATUSES)
        .select_related("owner")
        .order_by("starts_on")
    )
