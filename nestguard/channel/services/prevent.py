"""The one write path of Prevent and Channel (decision 0109): name the Prevent lead, make a
Prevent referral, and the lead's record of the gateway assessment, the Channel panel, consent
and support. Every write is audited; bad input raises ValidationError with field messages
and changes nothing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.access.rules import CASE_ROLES
from nestguard.audit.services import audit_record
from nestguard.channel.models import (
    ConsentRecord,
    PreventLead,
    PreventReferral,
    Stage,
    consent_givers,
    consent_states,
    gateway_outcomes,
    ideologies,
    panel_outcomes,
)
from nestguard.channel.selectors import current_lead, leads_referral
from nestguard.core.models import next_reference
from nestguard.core.validation import code_value, date_value, text_value
from nestguard.referrals.models import indicators

if TYPE_CHECKING:
    from nestguard.accounts.models import Agency, Team, User
    from nestguard.cases.models import Case
    from nestguard.people.models import Person
    from nestguard.referrals.models import Referral

CONCERN = "radicalisation"
SIGNS_GROUP = "radicalisation_signs"
TEXT_MAX = 4000
NO_LEAD = (
    "The partnership has not named its Prevent lead yet: ask an administrator to name the "
    "council's Prevent team before making a Prevent referral"
)
NOT_LEAD = "Only the Prevent lead records the gateway assessment, the panel and consent"
NO_CONSENT = (
    "Support cannot start without the necessary consent: Channel support is voluntary. "
    "Record consent given by the person, or by a parent or guardian if they are under 18"
)
CHILD_CONSENT = (
    "The person was under 18 at referral: the necessary consent is a parent's or guardian's"
)


def prevent_lead_name(
    actor: User | None, *, agency: Agency, team: Team | None = None
) -> PreventLead:
    """Name the partnership's Prevent lead (an agency, or one team of it); the last ends."""
    if team is not None and team.agency_id != agency.pk:
        raise ValidationError({"team": "The team must belong to the Prevent lead's agency"})
    now = timezone.now()
    with transaction.atomic():
        PreventLead.objects.filter(ended_at__isnull=True).update(ended_at=now, updated_at=now)
        lead = PreventLead.objects.create(agency=agency, team=team, named_by=actor)
        audit_record(
            actor=actor,
            action="prevent.lead_set",
            obj=lead,
            purpose="admin",
            details={"agency": agency.name, "team": team.name if team else ""},
        )
    return lead


def _signs(errors: dict[str, str], signs: Any) -> list[str]:
    allowed = [c.code for c in indicators().codes if c["group"] == SIGNS_GROUP]
    if not isinstance(signs, list | tuple) or any(s not in allowed for s in signs):
        errors["signs"] = "Choose signs from the list"
        return []
    return [code for code in allowed if code in signs]


def prevent_referral_make(
    actor: User,
    *,
    person: Person,
    ideology: Any,
    concern: Any,
    signs: Any = (),
    referral: Referral | None = None,
    case: Case | None = None,
) -> PreventReferral:
    """A practitioner's Prevent referral, from a referral or a case with the radicalisation
    concern, to the Prevent lead now in force. The caller has read the referral or case
    through the door; this checks that the person is its subject and the concern is there."""
    if actor.agency is None:
        raise PermissionDenied("Only staff of a partner agency make Prevent referrals")
    refuse_if_restricted(actor=actor, people=[person.pk])
    source: Any = referral if referral is not None else case
    errors: dict[str, str] = {}
    if source is None or (referral is not None and case is not None):
        raise ValueError("a Prevent referral comes from one referral or one case")
    if CONCERN not in (source.concern_types or []):
        errors["__all__"] = (
            "Add the radicalisation concern to the referral or case first: a Prevent referral "
            "comes from a radicalisation concern"
        )
    if not source.subjects.filter(person=person).exists():
        errors["person"] = "Choose a person named on the referral or case"
    lead = current_lead()
    if lead is None:
        errors["__all__"] = NO_LEAD
    code = code_value(errors, "ideology", ideology, ideologies(), "Choose the kind of concern")
    chosen = _signs(errors, list(signs or []))
    text = text_value(
        errors, "concern", concern, label="What you saw or heard", max_length=TEXT_MAX,
        required=True,
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    assert lead is not None
    now = timezone.now()
    with transaction.atomic():
        record = PreventReferral.objects.create(
            reference=next_reference("prevent", "PRV"),
            person=person,
            referral=referral,
            case=case,
            referrer=actor,
            referrer_agency=actor.agency,
            lead_agency=lead.agency,
            lead_team=lead.team,
            referred_at=now,
            age_at_referral=person.age_on(timezone.localdate()),
            ideology=code,
            signs=chosen,
            concern=text,
        )
        # A disclosure under the Prevent duty (CTSA 2015 s.26), not the exploitation
        # agreement: the referrer's agency tells the Prevent lead.
        audit_record(
            actor=actor,
            action="prevent.refer",
            obj=record,
            purpose="prevent",
            lawful_basis="public_task",
            details={
                "from": source.reference,
                "to": str(lead),
                "ideology": code,
                "signs": chosen,
            },
        )
    return record


def _require_lead(actor: User, record: PreventReferral) -> None:
    if not actor.has_role(*CASE_ROLES) or not leads_referral(actor, record):
        raise PermissionDenied(NOT_LEAD)
    refuse_if_restricted(actor=actor, record=record)


def _save(
    actor: User, record: PreventReferral, action: str, fields: list[str], **details: Any
) -> PreventReferral:
    record.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action=action, obj=record, purpose="prevent", details=details)
    return record


def _not_future(errors: dict[str, str], field: str, day: date | None, label: str) -> None:
    if day is not None and day > timezone.localdate():
        errors[field] = f"The {label} cannot be in the future"


def gateway_record(
    actor: User, *, record: PreventReferral, outcome: Any, on: Any, note: Any = ""
) -> PreventReferral:
    """The police counter-terrorism gateway assessment's outcome, as the lead records it."""
    _require_lead(actor, record)
    errors: dict[str, str] = {}
    if record.stage != Stage.RECEIVED:
        errors["__all__"] = "The gateway assessment is already recorded"
    code = code_value(errors, "outcome", outcome, gateway_outcomes(), "Choose the outcome")
    day = date_value(errors, "on", on, label="date of the assessment", required=True)
    _not_future(errors, "on", day, "date of the assessment")
    if day is not None and day < timezone.localtime(record.referred_at).date():
        errors["on"] = "The assessment cannot be before the referral"
    text = text_value(errors, "note", note, label="Note", max_length=TEXT_MAX, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record.gateway_outcome, record.gateway_on, record.gateway_note = code, day, text
        record.stage = (
            Stage.PANEL if gateway_outcomes().get(code)["next"] == "panel" else Stage.CLOSED
        )
        return _save(
            actor, record, "prevent.gateway",
            ["gateway_outcome", "gateway_on", "gateway_note", "stage"], outcome=code,
        )  # fmt: skip


def panel_record(
    actor: User,
    *,
    record: PreventReferral,
    outcome: Any,
    on: Any,
    referred_to: Any = "",
    note: Any = "",
) -> PreventReferral:
    """The Channel panel's decision: adopted, not adopted, or referred to another service."""
    _require_lead(actor, record)
    errors: dict[str, str] = {}
    if record.stage != Stage.PANEL:
        errors["__all__"] = "Only a referral that passed the gateway goes to the panel"
    code = code_value(errors, "outcome", outcome, panel_outcomes(), "Choose the panel's decision")
    day = date_value(errors, "on", on, label="date of the panel", required=True)
    _not_future(errors, "on", day, "date of the panel")
    if day is not None and record.gateway_on and day < record.gateway_on:
        errors["on"] = "The panel cannot be before the gateway assessment"
    service = text_value(
        errors, "referred_to", referred_to, label="The service referred to", max_length=200,
        required=code == "referred_elsewhere",
    )  # fmt: skip
    text = text_value(errors, "note", note, label="Note", max_length=TEXT_MAX, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record.panel_outcome, record.panel_on, record.panel_note = code, day, text
        record.referred_to = service if code == "referred_elsewhere" else ""
        record.stage = Stage.ADOPTED if code == "adopted" else Stage.CLOSED
        return _save(
            actor, record, "prevent.panel",
            ["panel_outcome", "panel_on", "panel_note", "referred_to", "stage"], outcome=code,
        )  # fmt: skip


def consent_record(
    actor: User,
    *,
    record: PreventReferral,
    state: Any,
    given_by: Any,
    on: Any,
    giver_name: Any = "",
    note: Any = "",
) -> ConsentRecord:
    """One answer about consent to Channel support (the last recorded is in force)."""
    _require_lead(actor, record)
    errors: dict[str, str] = {}
    if record.stage not in (Stage.PANEL, Stage.ADOPTED, Stage.SUPPORT):
        errors["__all__"] = "Consent is recorded while the panel considers or supports the person"
    code = code_value(errors, "state", state, consent_states(), "Choose what was answered")
    giver = code_value(errors, "given_by", given_by, consent_givers(), "Choose who answered")
    if giver == "person" and code == "given" and record.is_child:
        errors["given_by"] = CHILD_CONSENT
    day = date_value(errors, "on", on, label="date", required=True)
    _not_future(errors, "on", day, "date")
    if day is not None and day < timezone.localtime(record.referred_at).date():
        errors["on"] = "The date cannot be before the referral"
    last = consent_in_force(record)
    if day is not None and last is not None and day < last.on and "on" not in errors:
        errors["on"] = "The date cannot be before the last answer recorded"
    name = text_value(
        errors, "giver_name", giver_name, label="Name of the parent or guardian", max_length=200,
        required=giver == "parent_guardian",
    )  # fmt: skip
    text = text_value(errors, "note", note, label="Note", max_length=TEXT_MAX, required=False)
    if errors:
        raise ValidationError(errors)
    assert day is not None
    with transaction.atomic():
        # The referral row locked: two answers at once still get one number each.
        PreventReferral.objects.select_for_update().filter(pk=record.pk).first()
        number = record.consents.count() + 1
        consent = ConsentRecord.objects.create(
            prevent_referral=record, number=number, state=code, given_by=giver,
            giver_name=name, on=day, note=text, recorded_by=actor,
        )  # fmt: skip
        audit_record(
            actor=actor, action="prevent.consent", obj=record, purpose="prevent",
            details={"state": code, "given_by": giver, "on": day.isoformat()},
        )  # fmt: skip
    return consent


def consent_in_force(record: PreventReferral) -> ConsentRecord | None:
    """The answer in force: the last recorded (answers are recorded in the order given)."""
    return record.consents.order_by("-number").first()


def support_start(actor: User, *, record: PreventReferral, on: Any) -> PreventReferral:
    """Channel support starts: only for an adopted case with the necessary consent given."""
    _require_lead(actor, record)
    errors: dict[str, str] = {}
    day = date_value(errors, "on", on, label="date support started", required=True)
    _not_future(errors, "on", day, "date support started")
    if record.stage != Stage.ADOPTED:
        errors["__all__"] = "Support starts only for a case the panel adopted"
    else:
        consent = consent_in_force(record)
        if consent is None or consent.state != "given":
            errors["__all__"] = NO_CONSENT
        elif record.is_child and consent.given_by != "parent_guardian":
            errors["__all__"] = CHILD_CONSENT
        elif day is not None and day < consent.on:
            errors["on"] = "Support cannot start before consent was given"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record.support_started_on, record.stage = day, Stage.SUPPORT
        return _save(actor, record, "prevent.support_start", ["support_started_on", "stage"])


def support_end(actor: User, *, record: PreventReferral, on: Any) -> PreventReferral:
    """Channel support ends (the person exits); reviews follow at 6 and 12 months (U)."""
    _require_lead(actor, record)
    errors: dict[str, str] = {}
    day = date_value(errors, "on", on, label="date support ended", required=True)
    _not_future(errors, "on", day, "date support ended")
    if record.stage != Stage.SUPPORT:
        errors["__all__"] = "Only support under way can end"
    elif day is not None and record.support_started_on and day < record.support_started_on:
        errors["on"] = "Support cannot end before it started"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record.support_ended_on, record.stage = day, Stage.EXITED
        return _save(actor, record, "prevent.exit", ["support_ended_on", "stage"])
