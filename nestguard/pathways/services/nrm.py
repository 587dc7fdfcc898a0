"""The National Referral Mechanism and the anonymous Duty to Notify (MS1).

Only a first responder organisation's caseworkers and supervisors refer. An adult must give
informed consent (recorded); a child (under 18, or who may be under 18) need not. An adult who
declines is not referred: the first responder records an anonymous Duty to Notify instead
(Modern Slavery Act 2015 s.52(3)), a separate record with no link to the person.

Stages move only as `data/nrm_stages.json` allows; any other move is refused with the reason.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.audit.services import audit_record
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import Case
from nestguard.cases.services.chronology import chronology_event
from nestguard.core.calendar import add_working_days
from nestguard.core.models import next_reference
from nestguard.pathways import policy, rules
from nestguard.pathways.models import DutyToNotify, NrmReferral, NrmStageChange
from nestguard.pathways.services.common import (
    SHORT_MAX,
    TEXT_MAX,
    check_case_link,
    code,
    code_set,
    day,
    identifying_detail,
    text_field,
)
from nestguard.people.access_policy import visible_people
from nestguard.people.models import Person
from nestguard.referrals.models import concern_types

DECLINED_ADULT = (
    "An adult who declines cannot be referred to the NRM: record an anonymous Duty to Notify "
    "(MS1) instead"
)
CHILD_NOTE = "Child route: consent not required"
ADULT_NOTE = "Adult: informed consent recorded"
ADULT_MUST_CONSENT = (
    "An adult must give informed consent to an NRM referral: record that they consented, or "
    "that they declined"
)


def is_child_for_nrm(age: int | None, may_be_child: bool) -> bool:
    """Children, and anyone who may be a child, take the child route (no consent needed)."""
    adult_age = int(policy.rule_value("nrm_rules", "adult_age"))
    return may_be_child or (age is not None and age < adult_age)


def consent_problem(*, is_child: bool, consent: str) -> str:
    """Why this consent does not allow a referral, or "" when it does (the truth table)."""
    if is_child:
        return ""
    if consent == "declined":
        return DECLINED_ADULT
    if consent != "consented":
        return ADULT_MUST_CONSENT
    return ""


def _referral_day(referral: NrmReferral) -> str:
    return f"the referral ({referral.referred_on:%-d %B %Y})"


def _stage_label(stage: str) -> str:
    return policy.codes("nrm_stages").label(stage)


def _refuse_transition(referral: NrmReferral, action: str, doing: str) -> None:
    if policy.nrm_transitions().allows(action, referral.stage_key):
        return
    allowed = policy.nrm_transitions().allowed_from[action]
    where = "; ".join(
        _stage_label(s.split(":")[0])
        + (f" (of the {s.split(':')[1].upper()} decision)" if ":" in s else "")
        for s in allowed
    )
    raise ValidationError(
        {
            "stage": (
                f"{referral.reference} is at '{_stage_label(referral.stage)}': {doing} can be "
                f"recorded only at: {where}"
            )
        }
    )


def _require_updater(actor: Any, referral: NrmReferral) -> None:
    if not rules.can_update_nrm(actor, referral):
        raise PermissionDenied("Only the first responder that made the referral records its stages")
    refuse_if_restricted(actor=actor, record=referral)


def _move(
    *,
    actor: Any,
    referral: NrmReferral,
    to_stage: str,
    on: date,
    note: str,
    fields: dict[str, Any],
) -> NrmReferral:
    previous = referral.stage
    with transaction.atomic():
        for name, value in fields.items():
            setattr(referral, name, value)
        referral.stage = to_stage
        referral.save()
        NrmStageChange.objects.create(
            referral=referral, from_stage=previous, to_stage=to_stage, occurred_on=on, note=note,
            recorded_by=actor,
        )  # fmt: skip
        if referral.case_id:
            chronology_event(
                case=referral.case,  # type: ignore[arg-type]
                actor=actor,
                text=f"NRM referral {referral.reference}: {_stage_label(to_stage).lower()} "
                f"({on:%-d %B %Y})",
            )
        audit_record(
            actor=actor,
            action="nrm_referral.stage",
            obj=referral,
            details={"from": previous, "to": to_stage, "on": on.isoformat()},
        )
    return referral


def nrm_referral_record(
    *,
    actor: Any,
    person: Person,
    case: Case | None = None,
    referred_on: date,
    consent: str,
    exploitation_types: list[str],
    decision_body: str = "sca",
    may_be_child: bool = False,
    summary: str = "",
) -> NrmReferral:
    """Record an NRM referral made by a first responder. The reasonable grounds decision is
    due five working days (data) after the date of referral."""
    if not rules.can_refer_to_nrm(actor):
        raise PermissionDenied(rules.NOT_FIRST_RESPONDER)
    if not visible_people(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("You cannot see this person")
    if case is not None and not visible_cases(actor).filter(pk=case.pk).exists():
        raise PermissionDenied("You cannot see this case")
    refuse_if_restricted(actor=actor, people=[person.pk], records=[case] if case else ())
    errors: dict[str, Any] = {}
    on = day(errors, "referred_on", referred_on, label="date of the referral")
    consent = code(
        errors, "consent", consent, policy.codes("nrm_consent"), "Record the person's consent"
    )
    if not isinstance(may_be_child, bool):
        errors["may_be_child"] = "Say whether they may be under 18"
        may_be_child = False
    age = person.age_on(on) if on else person.age
    child = is_child_for_nrm(age, may_be_child)
    if consent:
        problem = consent_problem(is_child=child, consent=consent)
        if problem:
            errors["consent"] = problem
    types = code_set(
        errors, "exploitation_types", exploitation_types, concern_types(),
        missing="Choose the kinds of exploitation",
    )  # fmt: skip
    if not types and "exploitation_types" not in errors:
        errors["exploitation_types"] = "Choose the kinds of exploitation"
    body = code(
        errors, "decision_body", decision_body, policy.codes("nrm_decision_bodies"),
        "Choose who decides",
    )  # fmt: skip
    if body and policy.codes("nrm_decision_bodies").get(body).get("children_only") and not child:
        errors["decision_body"] = "The devolved pilots decide for children only"
    summary = text_field(
        errors, "summary", summary, label="Summary", max_length=TEXT_MAX, required=False
    )
    check_case_link(errors, case, person)
    if errors:
        raise ValidationError(errors)
    assert on is not None
    rg_days = int(policy.rule_value("nrm_rules", "rg_working_days"))
    with transaction.atomic():
        referral = NrmReferral.objects.create(
            reference=next_reference("nrm_referral", "NRM"),
            person=person,
            case=case,
            referring_agency=actor.agency,
            referred_by=actor,
            referred_on=on,
            is_child=child,
            age_at_referral=age,
            consent="not_required" if child and consent != "consented" else consent,
            exploitation_types=types,
            decision_body=body,
            summary=summary,
            stage="referred",
            rg_due_on=add_working_days(on, rg_days),
        )
        NrmStageChange.objects.create(
            referral=referral, to_stage="referred", occurred_on=on, recorded_by=actor,
            note=CHILD_NOTE if child else ADULT_NOTE,
        )  # fmt: skip
        if case is not None:
            chronology_event(
                case=case,
                actor=actor,
                text=(
                    f"NRM referral {referral.reference} made for {person.display_name} by "
                    f"{actor.agency}; reasonable grounds decision due "
                    f"{referral.rg_due_on:%-d %B %Y}"
                ),
            )
        audit_record(
            actor=actor,
            action="nrm_referral.record",
            obj=referral,
            details={"person": str(person.pk), "child": child, "consent": referral.consent},
        )
    return referral


def nrm_reasonable_grounds_record(
    *, actor: Any, referral: NrmReferral, outcome: str, decided_on: date, note: str = ""
) -> NrmReferral:
    """A positive decision starts the recovery period (at least 30 days, data); a negative
    one may be reconsidered."""
    _require_updater(actor, referral)
    _refuse_transition(referral, "reasonable_grounds", "a reasonable grounds decision")
    errors: dict[str, Any] = {}
    if outcome not in ("positive", "negative"):
        errors["outcome"] = "Choose whether the decision was positive or negative"
    on = day(
        errors, "decided_on", decided_on, label="date of the decision",
        not_before=referral.referred_on, not_before_label=_referral_day(referral),
    )  # fmt: skip
    note = text_field(errors, "note", note, label="Note", max_length=TEXT_MAX, required=False)
    if errors:
        raise ValidationError(errors)
    assert on is not None
    recovery = int(policy.rule_value("nrm_rules", "recovery_min_days"))
    positive = outcome == "positive"
    return _move(
        actor=actor,
        referral=referral,
        to_stage="recovery_period" if positive else "rg_negative",
        on=on,
        note=note,
        fields={
            "rg_decided_on": on,
            "recovery_ends_on": on + timedelta(days=recovery) if positive else None,
            "reconsidering": "",
        },
    )


CG_OUTCOMES = {
    "trafficking": "cg_positive_trafficking",
    "slavery": "cg_positive_slavery",
    "negative": "cg_negative",
}


def nrm_conclusive_grounds_record(
    *, actor: Any, referral: NrmReferral, outcome: str, decided_on: date, note: str = ""
) -> NrmReferral:
    _require_updater(actor, referral)
    _refuse_transition(referral, "conclusive_grounds", "a conclusive grounds decision")
    errors: dict[str, Any] = {}
    if outcome not in CG_OUTCOMES:
        errors["outcome"] = "Choose the conclusive grounds outcome"
    not_before = referral.rg_decided_on or referral.referred_on
    label = "the reasonable grounds decision"
    if referral.recovery_ends_on and policy.rule_value("nrm_rules", "cg_not_before_recovery_end"):
        not_before, label = referral.recovery_ends_on, "the end of the recovery period"
    on = day(
        errors, "decided_on", decided_on, label="date of the decision", not_before=not_before,
        not_before_label=f"{label} ({not_before:%-d %B %Y})",
    )  # fmt: skip
    note = text_field(errors, "note", note, label="Note", max_length=TEXT_MAX, required=False)
    if errors:
        raise ValidationError(errors)
    assert on is not None
    return _move(
        actor=actor, referral=referral, to_stage=CG_OUTCOMES[outcome], on=on, note=note,
        fields={"cg_decided_on": on, "reconsidering": ""},
    )  # fmt: skip


def nrm_reconsideration_request(
    *, actor: Any, referral: NrmReferral, requested_on: date, reason: str
) -> NrmReferral:
    """Ask for a negative decision to be reconsidered; the reason is required."""
    _require_updater(actor, referral)
    _refuse_transition(referral, "reconsideration", "a request for reconsideration")
    errors: dict[str, Any] = {}
    of = "rg" if referral.stage == "rg_negative" else "cg"
    decided = referral.rg_decided_on if of == "rg" else referral.cg_decided_on
    on = day(
        errors, "requested_on", requested_on, label="date of the request",
        not_before=decided,
        not_before_label=f"the decision ({decided:%-d %B %Y})" if decided else "",
    )  # fmt: skip
    reason = text_field(
        errors, "reason", reason, label="Reason", max_length=TEXT_MAX, required=True,
        missing="Give the grounds for reconsideration",
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    assert on is not None
    return _move(
        actor=actor, referral=referral, to_stage="reconsideration_requested", on=on,
        note=reason, fields={"reconsidering": of},
    )  # fmt: skip


def nrm_withdraw(
    *, actor: Any, referral: NrmReferral, withdrawn_on: date, reason: str
) -> NrmReferral:
    """An adult may withdraw from the NRM; a child may not (guidance: children generally
    cannot withdraw)."""
    _require_updater(actor, referral)
    if referral.is_child:
        raise ValidationError(
            {"stage": "Children cannot withdraw from the NRM: only an adult may withdraw"}
        )
    _refuse_transition(referral, "withdrawal", "a withdrawal")
    errors: dict[str, Any] = {}
    on = day(
        errors, "withdrawn_on", withdrawn_on, label="date of withdrawal",
        not_before=referral.referred_on, not_before_label=_referral_day(referral),
    )  # fmt: skip
    reason = text_field(
        errors, "reason", reason, label="Reason", max_length=TEXT_MAX, required=True,
        missing="Record why they withdrew",
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    assert on is not None
    return _move(
        actor=actor, referral=referral, to_stage="withdrawn", on=on, note=reason,
        fields={"withdrawn_on": on, "reconsidering": ""},
    )  # fmt: skip


def duty_to_notify_record(
    *,
    actor: Any,
    notified_on: date,
    age_band: str,
    gender: str,
    exploitation_types: list[str],
    area: str = "",
    summary: str = "",
) -> DutyToNotify:
    """An anonymous notification: no name, date of birth, address, phone number or case."""
    if not rules.is_first_responder(actor):
        raise PermissionDenied(
            "Only a first responder organisation records a Duty to Notify in Nestguard"
        )
    errors: dict[str, Any] = {}
    on = day(errors, "notified_on", notified_on, label="date of the notification")
    band = code(errors, "age_band", age_band, policy.codes("dtn_age_bands"), "Choose an age band")
    gender = code(errors, "gender", gender, policy.codes("dtn_genders"), "Choose a gender")
    types = code_set(
        errors, "exploitation_types", exploitation_types, concern_types(),
        missing="Choose the kinds of exploitation",
    )  # fmt: skip
    if not types and "exploitation_types" not in errors:
        errors["exploitation_types"] = "Choose the kinds of exploitation"
    area = text_field(errors, "area", area, label="Town or area", max_length=100, required=False)
    summary = text_field(
        errors, "summary", summary, label="Summary", max_length=SHORT_MAX * 10, required=False
    )
    for field, text in (("area", area), ("summary", summary)):
        found = identifying_detail(text)
        if found and field not in errors:
            errors[field] = (
                f"This looks like it holds {found}: a Duty to Notify must not identify the person"
            )
    if errors:
        raise ValidationError(errors)
    assert on is not None
    with transaction.atomic():
        record = DutyToNotify.objects.create(
            reference=next_reference("duty_to_notify", "DTN"),
            agency=actor.agency,
            recorded_by=actor,
            notified_on=on,
            age_band=band,
            gender=gender,
            exploitation_types=types,
            area=area,
            summary=summary,
        )
        audit_record(actor=actor, action="duty_to_notify.record", obj=record)
    return record
