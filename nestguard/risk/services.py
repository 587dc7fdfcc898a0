"""Recording a risk assessment: the only way a case gets a risk level.

No risk level is ever set without criteria: the band comes from scoring every item of a
versioned instrument, plus a professional-judgement change that must give its reason.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.audit.services import audit_record
from nestguard.cases import rules
from nestguard.cases.models import Case, CaseStatus, CaseSubject
from nestguard.cases.services.chronology import chronology_event
from nestguard.core.forms import clean_text
from nestguard.people.models import Person
from nestguard.risk.loader import Instrument, get_instrument
from nestguard.risk.models import AssessmentStage, RiskAssessment, Trend
from nestguard.risk.scoring import answer_errors, judgement_errors, score_answers, trend

REASON_MAX = 2000


def _instrument(value: Any) -> Instrument | None:
    if isinstance(value, Instrument):
        return value
    if isinstance(value, str) and value:
        return get_instrument(value)
    return None


def _person_errors(case: Case, person: Any, instrument: Instrument) -> dict[str, str]:
    if person is None:
        return {}
    if (
        not isinstance(person, Person)
        or not CaseSubject.objects.filter(case=case, person=person).exists()
    ):
        return {"person": "Choose a person named on this case"}
    age = person.age
    if age is not None and instrument.applies_to == "child" and age >= 18:
        return {"person": f"{instrument.title} is for children; {person} is {age}"}
    if age is not None and instrument.applies_to == "adult" and age < 18:
        return {"person": f"{instrument.title} is for adults; {person} is {age}"}
    return {}


def assessment_record(
    *,
    actor: Any,
    case: Case,
    instrument: Instrument | str,
    stage: str,
    answers: dict[str, str],
    judgement_adjustment: int = 0,
    judgement_reason: str = "",
    person: Person | None = None,
) -> RiskAssessment:
    """Score, band and record an assessment; the case takes its band, score and next review."""
    if not rules.can_edit_case(actor, case):
        raise PermissionDenied("Only the lead agency and the case team can assess this case")
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"case": f"Case {case.reference} is closed: reopen it to assess it"})
    refuse_if_restricted(actor=actor, record=case, people=[person.pk] if person else ())
    tool = _instrument(instrument)
    if tool is None:
        raise ValidationError({"instrument": "Choose an assessment tool"})
    errors: dict[str, str] = {}
    if stage not in AssessmentStage.values:
        errors["stage"] = "Choose the stage: initial, review or final"
    errors.update(answer_errors(tool, answers))
    reason = judgement_reason if isinstance(judgement_reason, str) else ""
    if not isinstance(judgement_reason, str):
        errors["judgement_reason"] = "The reason must be text"
    else:
        try:
            reason = clean_text(judgement_reason, label="The reason")
        except ValidationError as exc:
            errors["judgement_reason"] = exc.messages[0]
        if len(reason) > REASON_MAX:
            errors["judgement_reason"] = f"The reason must be {REASON_MAX:,} characters or fewer"
    for key, message in judgement_errors(tool, judgement_adjustment, reason).items():
        errors.setdefault(key, message)
    errors.update(_person_errors(case, person, tool))
    if errors:
        raise ValidationError(errors)

    scored = score_answers(tool, answers, judgement_adjustment)
    now = timezone.now()
    next_review = timezone.localdate(now) + timedelta(days=scored.band.review_days)
    with transaction.atomic():
        previous = (
            RiskAssessment.objects.filter(case=case, instrument=tool.code)
            .order_by("-assessed_at")
            .values_list("overall_score", flat=True)
            .first()
        )
        direction = trend(previous, scored.overall_score)
        assessment = RiskAssessment.objects.create(
            case=case,
            person=person,
            instrument=tool.code,
            instrument_version=tool.version,
            stage=stage,
            answers={item.code: answers[item.code] for item in tool.items},
            item_scores=scored.item_scores,
            assessment_score=scored.assessment_score,
            judgement_adjustment=judgement_adjustment,
            judgement_reason=reason if judgement_adjustment else "",
            overall_score=scored.overall_score,
            band=scored.band.code,
            trend=direction,
            next_review_on=next_review,
            assessed_by=actor,
            assessed_at=now,
        )
        case.risk_band = scored.band.code
        case.risk_score = scored.overall_score
        case.next_review_on = next_review
        case.save(update_fields=["risk_band", "risk_score", "next_review_on", "updated_at"])
        change = ""
        if judgement_adjustment:
            change = f" (assessment {scored.assessment_score}, judgement {judgement_adjustment:+d})"
        was = "" if previous is None else f", {Trend(direction).label.lower()} from {previous}"
        chronology_event(
            case=case,
            text=(
                f"Risk assessed by {actor} with {tool.title} (version {tool.version}, "
                f"{AssessmentStage(stage).label.lower()}): {scored.overall_score} of "
                f"{tool.max_score}{change}, {scored.band.label.lower()}{was}. "
                f"Next review by {next_review:%-d %B %Y}"
            ),
            actor=actor,
            occurred_at=now,
        )
        audit_record(
            actor=actor,
            action="risk.assess",
            obj=assessment,
            object_label=f"{case.reference}: {tool.code} v{tool.version}",
            details={
                "case": case.reference,
                "instrument": tool.code,
                "version": tool.version,
                "stage": stage,
                "score": scored.overall_score,
                "band": scored.band.code,
                "trend": direction,
            },
        )
    return assessment
