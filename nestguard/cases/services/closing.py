"""Closing a case with coded outcomes and a resolution, and reopening it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.audit.services import audit_record
from nestguard.cases import rules
from nestguard.cases.models import (
    Case,
    CaseStatus,
    CaseSubject,
    Intervention,
    InterventionStatus,
    intervention_types,
    resolutions,
)
from nestguard.cases.models import outcomes as outcome_list
from nestguard.cases.services.chronology import chronology_event
from nestguard.cases.services.common import REASON_MAX, SUMMARY_MAX, require, text_field
from nestguard.cases.services.interventions import open_interventions
from nestguard.core.versioning import require_version, versioned_save

CLOSE_DENIED = "Only the lead agency's caseworkers and the case team can close this case"


def _check_death(errors: dict[str, str], chosen: list[str], resolution: str) -> None:
    """A death is recorded twice, consistently: the outcome says whether it was drug-related
    (Operation Sanctuary counts those), the resolution that the person died."""
    died = [code for code in chosen if outcome_list().get(code).get("death")]
    if resolutions().get(resolution).get("death") and not died:
        errors["outcomes"] = "Choose whether the death was drug-related or had another cause"
    elif died and not resolutions().get(resolution).get("death"):
        errors["resolution"] = f"Choose '{resolutions().label('person_died')}'"


def case_close(
    *,
    actor: Any,
    case: Case,
    outcomes: list[str],
    resolution: str,
    summary: str,
    cancel_open_interventions: bool = False,
    expected_version: int | None = None,
) -> Case:
    """Close with at least one outcome (the Stockport outcome table and more), a resolution
    (positively resolved, declined and passed to ASB, or not resolved) and a closing summary.

    Every intervention must be completed or cancelled first: closing refuses and names those
    still open, unless `cancel_open_interventions` says to cancel them as part of closing
    (each cancellation is recorded in the chronology and the audit trail).
    `expected_version`: the case's version the editor started from (core.versioning)."""
    require(rules.can_close_case, actor, case, CLOSE_DENIED)
    refuse_if_restricted(actor=actor, record=case)
    require_version(case, expected_version)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(
            {
                "case": f"Case {case.reference} was already closed on "
                f"{timezone.localdate(case.closed_at):%-d %B %Y}"
            }
        )
    errors: dict[str, str] = {}
    chosen: list[str] = []
    known = outcome_list()
    if not isinstance(outcomes, list | tuple) or not outcomes:
        errors["outcomes"] = "Choose at least one outcome"
    else:
        for code in outcomes:
            if not isinstance(code, str) or code not in known:
                errors["outcomes"] = f"{str(code)[:40]!r} is not an outcome"
                break
            if code not in chosen:
                chosen.append(code)
    if not isinstance(resolution, str) or resolution not in resolutions():
        errors["resolution"] = "Choose how the case was resolved"
    elif "outcomes" not in errors:
        _check_death(errors, chosen, resolution)
    cleaned = text_field(
        errors, "summary", summary, label="Closing summary", max_length=SUMMARY_MAX,
        required=True, missing="Enter a closing summary",
    )  # fmt: skip
    still_open = open_interventions(case)
    if still_open and not cancel_open_interventions:
        listed = "; ".join(
            f"{intervention_types().label(i.type)} (owner {i.owner})" for i in still_open
        )
        which = "this intervention" if len(still_open) == 1 else f"these {len(still_open)}"
        errors["interventions"] = f"Complete or cancel {which} before closing: {listed}"

    if errors:
        raise ValidationError(errors)
    # The version claim locks the row: no one closes or changes it between here and commit.
    with transaction.atomic(), versioned_save(case, actor=actor, expected_version=expected_version):
        now = timezone.now()
        for intervention in still_open:
            _cancel_for_closing(actor=actor, case=case, intervention=intervention)
        case.status = CaseStatus.CLOSED
        case.closed_at = now
        case.outcomes = chosen
        case.resolution = resolution
        case.closing_summary = cleaned
        case.save(
            update_fields=[
                "status",
                "closed_at",
                "outcomes",
                "resolution",
                "closing_summary",
                "updated_at",
            ]
        )
        # A closed case's children have no transition alert; reopened, they have again (0123).
        CaseSubject.objects.filter(case=case).keep_transition_dates()
        labels = ", ".join(known.label(c) for c in chosen)
        chronology_event(
            case=case,
            text=f"Case closed by {actor}: {resolutions().label(resolution)}. Outcomes: {labels}",
            actor=actor,
            occurred_at=now,
        )
        audit_record(
            actor=actor,
            action="case.close",
            obj=case,
            details={
                "outcomes": chosen,
                "resolution": resolution,
                "interventions_cancelled": len(still_open),
                "version": case.version,
            },
        )
    return case


def _cancel_for_closing(*, actor: Any, case: Case, intervention: Intervention) -> None:
    previous = intervention.status
    # From the version read when closing checked what was still open: an intervention
    # updated since refuses the close, rather than being cancelled over that update.
    with versioned_save(intervention, actor=actor, expected_version=None):
        intervention.status = InterventionStatus.CANCELLED
        intervention.save(update_fields=["status", "updated_at"])
    label = intervention_types().label(intervention.type)
    chronology_event(
        case=case,
        text=f"Intervention {label}: cancelled as the case closed (was "
        f"{InterventionStatus(previous).label.lower()}), by {actor}",
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="intervention.update",
        obj=intervention,
        object_label=f"{case.reference}: {label}",
        details={"case": case.reference, "from": previous, "to": "cancelled", "why": "case_close"},
    )


def case_reopen(
    *, actor: Any, case: Case, reason: str, expected_version: int | None = None
) -> Case:
    """Reopen a closed case, saying why. The earlier outcome stays in the chronology."""
    require(rules.can_edit_case, actor, case, "Only the lead agency and the case team can reopen")
    refuse_if_restricted(actor=actor, record=case)
    require_version(case, expected_version)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError({"case": f"Case {case.reference} is not closed"})
    errors: dict[str, str] = {}
    cleaned = text_field(
        errors, "reason", reason, label="Reason", max_length=REASON_MAX, required=True,
        missing="Enter the reason for reopening the case",
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), versioned_save(case, actor=actor, expected_version=expected_version):
        previous_resolution = case.resolution
        previous: dict[str, Any] = {
            "outcomes": list(case.outcomes),
            "resolution": case.resolution,
            "closed_at": case.closed_at.isoformat() if case.closed_at else "",
        }
        case.status = CaseStatus.OPEN
        case.closed_at = None
        case.outcomes = []
        case.resolution = ""
        case.closing_summary = ""
        case.save(
            update_fields=[
                "status",
                "closed_at",
                "outcomes",
                "resolution",
                "closing_summary",
                "updated_at",
            ]
        )
        # A closed case's children have no transition alert; reopened, they have again (0123).
        CaseSubject.objects.filter(case=case).keep_transition_dates()
        chronology_event(
            case=case,
            text=(
                f"Case reopened by {actor}: {cleaned}. It had been closed as "
                f"{resolutions().label(previous_resolution).lower()}"
            ),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="case.reopen",
            obj=case,
            details={"previous": previous, "version": case.version},
        )
    return case
