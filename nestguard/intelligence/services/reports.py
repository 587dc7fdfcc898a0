"""Submitting partner intelligence, naming the intelligence function, and grading (3x5x2)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.accounts.models import Agency, Role, User
from nestguard.audit.disclosure import disclosure_basis
from nestguard.audit.services import audit_record
from nestguard.core.calendar import end_of_working_day_deadline
from nestguard.core.forms import clean_text
from nestguard.core.models import next_reference
from nestguard.core.validation import text_or_raise
from nestguard.intelligence import policy
from nestguard.intelligence.models import (
    IntelligenceFunction,
    IntelligenceReport,
    ReportStatus,
    ReportSubject,
)
from nestguard.intelligence.rules import SUBMITTING
from nestguard.intelligence.services.subjects import SubjectIn, as_fields, clean_subjects

WHAT_LIMIT = 5000
SHORT_LIMIT = 300
NO_FUNCTION = "The partnership has not named its intelligence function: ask an administrator"


def _text(value: str, field: str, label: str, *, limit: int, required: bool = False) -> str:
    return text_or_raise(value, field=field, label=label, max_length=limit, required=required)


def _collect(*checks: Any) -> dict[str, Any]:
    """Run each (name, thunk) and gather every field's errors, so the page shows them all."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, thunk in checks:
        try:
            values[name] = thunk()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return values


def _observed_on(value: date | None) -> date:
    if value is None:
        raise ValidationError({"observed_on": "Enter the date it happened"})
    if value > timezone.localdate():
        raise ValidationError({"observed_on": "The date it happened must be today or in the past"})
    return value


def _how_known(value: str) -> str:
    if value not in policy.how_known():
        raise ValidationError({"how_known": "Choose how you know it"})
    return value


def intelligence_report_submit(
    *,
    actor: User,
    observed_on: date | None,
    what: str,
    how_known: str,
    how_known_detail: str = "",
    observed_time: str = "",
    location: str = "",
    subjects: Sequence[SubjectIn] = (),
) -> IntelligenceReport:
    """A practitioner's report to the partnership's intelligence function. The submission
    is itself a disclosure to the function: its audit event records the agreement relied on."""
    if not SUBMITTING.allows(actor) or actor.agency is None or not actor.agency.active:
        raise PermissionDenied("Only a partner agency's practitioners submit intelligence")
    function = policy.intelligence_function()
    if function.agency is None:
        raise ValidationError({"__all__": NO_FUNCTION})
    said = "What you saw or were told"
    values = _collect(
        ("observed_on", lambda: _observed_on(observed_on)),
        ("observed_time", lambda: _text(observed_time, "observed_time", "The time", limit=60)),
        ("location", lambda: _text(location, "location", "Where it happened", limit=SHORT_LIMIT)),
        ("what", lambda: _text(what, "what", said, limit=WHAT_LIMIT, required=True)),
        ("how_known", lambda: _how_known(how_known)),
        ("how_known_detail", lambda: _text(how_known_detail, "how_known_detail",
                                           "How you know it", limit=WHAT_LIMIT)),
        ("subjects", lambda: clean_subjects(actor, subjects)),
    )  # fmt: skip
    if values["how_known"] == "other" and not values["how_known_detail"]:
        raise ValidationError({"how_known_detail": "Say how you know it"})
    now = timezone.now()
    cleaned = values.pop("subjects")
    refuse_if_restricted(actor=actor, people=[s.person.pk for s in cleaned if s.person])
    with transaction.atomic():
        report = IntelligenceReport.objects.create(
            reference=next_reference("intelligence", "INT"),
            agency=actor.agency,
            submitted_by=actor,
            function_agency=function.agency,
            due_at=end_of_working_day_deadline(now, policy.grading_working_days()),
            **values,
        )
        ReportSubject.objects.bulk_create(
            ReportSubject(report=report, position=i, **as_fields(s)) for i, s in enumerate(cleaned)
        )
        audit_record(
            actor=actor,
            action="intelligence.submit",
            obj=report,
            purpose="intelligence",
            basis=disclosure_basis(holders=[actor.agency], recipient=function.agency),
            details={"to": str(function.agency), "subjects": len(cleaned)},
        )
    return report


def intelligence_function_set(
    *, actor: User | None, agency: Agency, second_check: bool
) -> IntelligenceFunction:
    """Name the partnership's intelligence function (an administrator, or the demo seed).
    Reports already received stay with the function that received them."""
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only an administrator names the intelligence function")
    if not agency.active:
        raise ValidationError({"agency": "Choose an active agency"})
    with transaction.atomic():
        record = IntelligenceFunction.objects.create(
            agency=agency, second_check=second_check, set_by=actor
        )
        audit_record(
            actor=actor,
            action="intelligence_function.set",
            obj=record,
            details={"agency": str(agency), "second_check": second_check},
        )
    return record


def _grade_values(
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if source_evaluation not in policy.source_evaluations():
        errors["source_evaluation"] = "Choose the source evaluation (1, 2 or 3)"
    if intelligence_assessment not in policy.intelligence_assessments():
        errors["intelligence_assessment"] = "Choose the intelligence assessment (A to E)"
    if handling_code not in policy.handling_codes():
        errors["handling_code"] = "Choose the handling code (P or C)"
    conditions = ""
    try:
        conditions = clean_text(handling_conditions or "", label="The conditions")
    except ValidationError as exc:
        errors["handling_conditions"] = exc.messages[0]
    if handling_code in policy.handling_codes():
        needs = bool(policy.handling_codes().get(handling_code)["conditions"])
        if needs and not conditions and "handling_conditions" not in errors:
            errors["handling_conditions"] = "Enter the conditions of sharing (handling code C)"
        if not needs:
            conditions = ""
    if errors:
        raise ValidationError(errors)
    return {
        "source_evaluation": source_evaluation,
        "intelligence_assessment": intelligence_assessment,
        "handling_code": handling_code,
        "handling_conditions": conditions,
    }


def intelligence_report_grade(
    *,
    actor: User,
    report: IntelligenceReport,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str = "",
    excluded_agencies: Sequence[Agency] = (),
) -> IntelligenceReport:
    """Grade a report 3x5x2, once, by an intelligence officer of the function that received
    it. Under code C the conditions are required, and may exclude agencies from any share."""
    if not policy.grades_for(actor, report.function_agency_id):
        raise PermissionDenied("Only the intelligence function that received a report grades it")
    values = _grade_values(
        source_evaluation, intelligence_assessment, handling_code, handling_conditions
    )
    excluded = list(excluded_agencies) if handling_code == "C" else []
    refuse_if_restricted(actor=actor, record=report)
    with transaction.atomic():
        locked = IntelligenceReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.SUBMITTED:
            raise ValidationError({"__all__": "This report has already been graded"})
        for name, value in values.items():
            setattr(locked, name, value)
        locked.status = ReportStatus.GRADED
        locked.graded_by = actor
        locked.graded_at = timezone.now()
        locked.save()
        locked.excluded_agencies.set(excluded)
        audit_record(
            actor=actor,
            action="intelligence.grade",
            obj=locked,
            purpose="intelligence",
            details={
                "grade": locked.grade,
                "excluded_agencies": sorted(str(a) for a in excluded),
            },
        )
    return locked
