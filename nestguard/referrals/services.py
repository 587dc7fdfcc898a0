"""Every write to referrals: drafting section by section, submission and routing, triage.

Each function checks who may act, validates fully (see validation.py), writes inside one
transaction and records its audit event in that same transaction. Bad input raises
`ValidationError({field: message})` and writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.access.rules import REFERRING
from nestguard.accounts.models import Agency
from nestguard.audit.services import audit_record
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import Case
from nestguard.cases.services.opening import case_add_referral, case_open_from_referral
from nestguard.core.calendar import end_of_working_day_deadline
from nestguard.core.models import next_reference
from nestguard.core.versioning import require_version, versioned_save
from nestguard.people.services import person_create
from nestguard.places.services import address_resolve
from nestguard.places.services.repeats import repeat_address_check
from nestguard.referrals import codes as rc
from nestguard.referrals import validation as v
from nestguard.referrals.access_policy import triage_referrals
from nestguard.referrals.hooks import run_submit_hooks
from nestguard.referrals.models import (
    Referral,
    ReferralStatus,
    ReferralSubject,
    TriageDecision,
    TriageRoute,
)
from nestguard.referrals.sections import SECTION_CODES, SECTION_TITLES

# ---------------------------------------------------------------------------------------------
# Drafting


def referral_start(*, actor: Any) -> Referral:
    """A new draft made by the actor for their agency, with their contact details prefilled."""
    if not REFERRING.allows(actor) or actor.agency_id is None:
        raise PermissionDenied("Your account cannot make referrals")
    with transaction.atomic():
        referral = Referral.objects.create(
            reference=next_reference("referral", "REF"),
            status=ReferralStatus.DRAFT,
            referrer=actor,
            referrer_agency_id=actor.agency_id,
            referrer_phone=(actor.phone or "")[:40],
            referrer_job_title=(actor.job_title or "")[:200],
        )
        audit_record(actor=actor, action="referral.start", obj=referral)
    return referral


def _check_editable(actor: Any, referral: Referral) -> None:
    if actor is None or referral.referrer_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the person who started a referral can change it")
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(
            {"__all__": f"Referral {referral.reference} has been submitted and cannot be changed"}
        )
    # No restriction can touch a draft: its subjects become recorded people only as it is
    # sent (`referral_submit` creates them, new) and it belongs to no case, so the guard's
    # two reads found nobody, once for each section of every draft (decision 0130). Any
    # record about a person that a draft is given in future must be guarded here again.
    if referral.subjects.filter(person__isnull=False).exists() or referral.case_id is not None:
        refuse_if_restricted(actor=actor, record=referral)


def _with_section(referral: Referral, section: str, done: bool = True) -> list[str]:
    completed = set(referral.sections_completed or [])
    if done:
        completed.add(section)
    else:
        completed.discard(section)
    return [code for code in SECTION_CODES if code in completed]


def _save_section(
    *, actor: Any, referral: Referral, section: str, values: dict[str, Any], done: bool = True
) -> Referral:
    with transaction.atomic():
        for name, value in values.items():
            setattr(referral, name, value)
        referral.sections_completed = _with_section(referral, section, done)
        referral.save(update_fields=[*values, "sections_completed", "updated_at"])
        audit_record(
            actor=actor,
            action="referral.update",
            obj=referral,
            details={"section": section, "complete": done},
        )
    return referral


def referral_details_update(
    *, actor: Any, referral: Referral, phone: str, job_title: str
) -> Referral:
    """Your details: how triage can contact the referrer."""
    _check_editable(actor, referral)
    clean, errors = v.validate_your_details(phone=phone, job_title=job_title)
    if errors:
        raise ValidationError(errors)
    return _save_section(
        actor=actor,
        referral=referral,
        section="your_details",
        values={"referrer_phone": clean["phone"], "referrer_job_title": clean["job_title"]},
    )


def _subject_values(clean: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": clean["role"],
        "given_name": clean["given_name"],
        "family_name": clean["family_name"],
        "aliases": ", ".join(clean["aliases"]),
        "date_of_birth": clean["date_of_birth"],
        "age_estimate": clean["age_estimate"],
        "identity_unknown": clean["identity_unknown"],
        "description": clean["description"],
        "phones": clean["phones"],
    }


def referral_subject_add(
    *,
    actor: Any,
    referral: Referral,
    role: str,
    given_name: str = "",
    family_name: str = "",
    aliases: list[str] | str = (),  # type: ignore[assignment]
    date_of_birth: date | None = None,
    age_estimate: int | None = None,
    identity_unknown: bool = False,
    description: str = "",
    phones: list[str] | str = (),  # type: ignore[assignment]
) -> ReferralSubject:
    """Add a person of concern. The people section is complete once there is one."""
    _check_editable(actor, referral)
    clean, errors = v.validate_subject(
        role=role,
        given_name=given_name,
        family_name=family_name,
        aliases=aliases,
        date_of_birth=date_of_birth,
        age_estimate=age_estimate,
        identity_unknown=identity_unknown,
        description=description,
        phones=phones,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        after = referral.subjects.aggregate(last=Max("position"))["last"] or 0
        subject = ReferralSubject.objects.create(
            referral=referral, position=after + 1, **_subject_values(clean)
        )
        _save_section(actor=actor, referral=referral, section="people", values={})
    return subject


def referral_subject_change(
    *,
    actor: Any,
    subject: ReferralSubject,
    role: str,
    given_name: str = "",
    family_name: str = "",
    aliases: list[str] | str = (),  # type: ignore[assignment]
    date_of_birth: date | None = None,
    age_estimate: int | None = None,
    identity_unknown: bool = False,
    description: str = "",
    phones: list[str] | str = (),  # type: ignore[assignment]
) -> ReferralSubject:
    referral = subject.referral
    _check_editable(actor, referral)
    clean, errors = v.validate_subject(
        role=role,
        given_name=given_name,
        family_name=family_name,
        aliases=aliases,
        date_of_birth=date_of_birth,
        age_estimate=age_estimate,
        identity_unknown=identity_unknown,
        description=description,
        phones=phones,
    )
    if errors:
        raise ValidationError(errors)
    values = _subject_values(clean)
    with transaction.atomic():
        for name, value in values.items():
            setattr(subject, name, value)
        subject.save(update_fields=[*values, "updated_at"])
        _save_section(actor=actor, referral=referral, section="people", values={})
    return subject


def referral_subject_remove(*, actor: Any, subject: ReferralSubject) -> None:
    """Remove a person; with nobody left the people section is no longer complete."""
    referral = subject.referral
    _check_editable(actor, referral)
    with transaction.atomic():
        subject.delete()
        remaining = ReferralSubject.objects.filter(referral=referral).exists()
        _save_section(actor=actor, referral=referral, section="people", values={}, done=remaining)


def referral_address_update(
    *,
    actor: Any,
    referral: Referral,
    line1: str = "",
    line2: str = "",
    town: str = "",
    postcode: str = "",
    not_known: bool = False,
    not_known_reason: str = "",
) -> Referral:
    """Where it is happening, or no fixed address / not known with a reason."""
    _check_editable(actor, referral)
    clean, errors = v.validate_address(
        line1=line1,
        line2=line2,
        town=town,
        postcode=postcode,
        not_known=not_known,
        not_known_reason=not_known_reason,
    )
    if errors:
        raise ValidationError(errors)
    return _save_section(
        actor=actor,
        referral=referral,
        section="address",
        values={
            "address_line1": clean["line1"],
            "address_line2": clean["line2"],
            "address_town": clean["town"],
            "address_postcode": clean["postcode"],
            "address_not_known": clean["not_known"],
            "address_not_known_reason": clean["not_known_reason"],
        },
    )


def referral_concern_types_choose(
    *, actor: Any, referral: Referral, concern_types: list[str]
) -> Referral:
    """The first step of the concerns section: which signs to offer depends on these."""
    _check_editable(actor, referral)
    codes, errors = v.validate_concern_types(concern_types)
    if errors:
        raise ValidationError(errors)
    return _save_section(
        actor=actor,
        referral=referral,
        section="concerns",
        values={"concern_types": codes},
        done=False,
    )


def referral_concerns_update(
    *,
    actor: Any,
    referral: Referral,
    concern_types: list[str],
    indicators: list[str],
    signs_text: str = "",
) -> Referral:
    """Concerns and signs. Any valid indicator code is accepted, whatever its group."""
    _check_editable(actor, referral)
    clean, errors = v.validate_concerns(
        concern_types=concern_types, indicators=indicators, signs_text=signs_text
    )
    if errors:
        raise ValidationError(errors)
    return _save_section(
        actor=actor,
        referral=referral,
        section="concerns",
        values={**clean, "indicators_version": rc.indicators().version},
    )


def referral_urgency_update(*, actor: Any, referral: Referral, urgency: str) -> Referral:
    _check_editable(actor, referral)
    code, errors = v.validate_urgency(urgency)
    if errors:
        raise ValidationError(errors)
    return _save_section(
        actor=actor,
        referral=referral,
        section="urgency",
        values={"urgency": code, "urgency_rank": rc.urgency_rank(code)},
    )


def referral_consent_update(
    *,
    actor: Any,
    referral: Referral,
    lawful_basis: str,
    consent: str,
    consent_reason: str = "",
    consent_notes: str = "",
) -> Referral:
    """The lawful basis for sharing, and whether the person consented or why not."""
    _check_editable(actor, referral)
    clean, errors = v.validate_consent(
        lawful_basis=lawful_basis,
        consent=consent,
        consent_reason=consent_reason,
        consent_notes=consent_notes,
    )
    if errors:
        raise ValidationError(errors)
    return _save_section(actor=actor, referral=referral, section="consent", values=clean)


# ---------------------------------------------------------------------------------------------
# Submission and routing


def incomplete_sections(referral: Referral) -> list[str]:
    done = set(referral.sections_completed or [])
    return [code for code in SECTION_CODES if code not in done]


def triage_agencies_for(concern_types: list[str]) -> list[Agency]:
    """Every active hub agency, plus the agencies routing rules name for these concern types."""
    routed = TriageRoute.objects.filter(concern_type__in=concern_types).values("agency_id")
    return list(Agency.objects.filter(Q(is_hub=True) | Q(pk__in=routed), active=True))


def referral_submit(
    *, actor: Any, referral: Referral, submitted_at: datetime | None = None
) -> Referral:
    """Send a complete draft for triage: record its people and address, start the clock,
    and let the apps registered in `hooks.py` act on it (the address matched to the register).

    `submitted_at` is for imports and the demo borough (when it really happened); pages and
    the API leave it to the clock.
    """
    _check_editable(actor, referral)
    missing = incomplete_sections(referral)
    subjects = list(referral.subjects.all())
    if not subjects and "people" not in missing:
        missing.append("people")
    if missing:
        raise ValidationError(
            {code: f"Complete the section: {SECTION_TITLES[code]}" for code in missing}
        )
    agencies = triage_agencies_for(referral.concern_types)
    if not agencies:
        raise ValidationError(
            {
                "__all__": "No agency in the partnership triages referrals yet. "
                "Ask your administrator to mark the hub agency."
            }
        )
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != ReferralStatus.DRAFT:
            raise ValidationError({"__all__": f"Referral {referral.reference} was already sent"})
        purpose = f"Referral {referral.reference}"
        if not referral.address_not_known:
            referral.address = address_resolve(
                actor=actor,
                line1=referral.address_line1,
                line2=referral.address_line2,
                town=referral.address_town,
                postcode=referral.address_postcode,
            )
        for subject in subjects:
            subject.person = person_create(
                actor=actor,
                given_name=subject.given_name,
                family_name=subject.family_name,
                date_of_birth=subject.date_of_birth,
                age_estimate=subject.age_estimate,
                identity_unknown=subject.identity_unknown,
                description=subject.description,
                aliases=[a.strip() for a in subject.aliases.split(",") if a.strip()],
                purpose=purpose,
            )
            subject.save(update_fields=["person", "updated_at"])
        now = submitted_at or timezone.now()
        referral.submitted_at = now
        referral.urgency_rank = rc.urgency_rank(referral.urgency)
        referral.triage_due_at = end_of_working_day_deadline(now, rc.review_working_days())
        referral.status = ReferralStatus.SUBMITTED
        referral.save(
            update_fields=[
                "address",
                "submitted_at",
                "urgency_rank",
                "triage_due_at",
                "status",
                "updated_at",
            ]
        )
        referral.triage_agencies.set(agencies)
        audit_record(
            actor=actor,
            action="referral.submit",
            obj=referral,
            details={
                "triage_agencies": sorted(a.name for a in agencies),
                "triage_due_at": referral.triage_due_at.isoformat(),
                "subjects": len(subjects),
            },
        )
        if referral.address is not None:
            # A referral is a report about its address: apply the repeat-address rule.
            repeat_address_check(actor=actor, address=referral.address)
        # What the apps above this one derive from a referral as it arrives (its address
        # matched to the register): committed with it, and never a reason to lose it.
        run_submit_hooks(actor=actor, referral=referral)
    return referral


# ---------------------------------------------------------------------------------------------
# Triage and the referrer's view of the outcome


def can_triage(actor: Any, referral: Referral) -> bool:
    return triage_referrals(actor).filter(pk=referral.pk).exists()


def referral_triage(
    *,
    actor: Any,
    referral: Referral,
    decision: str,
    reason_code: str = "",
    reason: str = "",
    redirect_to: str = "",
    case: Case | None = None,
    decided_at: datetime | None = None,
    expected_version: int | None = None,
) -> Referral:
    """Decide on a submitted referral: accept (open a case), decline, redirect, or merge.

    `decided_at` is for imports and the demo borough; pages and the API leave it to the clock.
    `expected_version`: the referral's version the triager started from (core.versioning).
    """
    if not can_triage(actor, referral):
        raise PermissionDenied("Only the triage team the referral was sent to can decide on it")
    require_version(referral, expected_version)
    if referral.status != ReferralStatus.SUBMITTED:
        raise ValidationError({"decision": f"Referral {referral.reference} was already triaged"})
    refuse_if_restricted(actor=actor, record=referral, records=[case] if case else ())
    errors: v.Errors = {}
    if not isinstance(decision, str) or decision not in TriageDecision.values:
        errors["decision"] = "Select a decision"
    words = v.text(errors, "reason", reason, "Reason", 5000)
    if decision == TriageDecision.DECLINE:
        if not isinstance(reason_code, str) or reason_code not in rc.decline_reasons():
            errors["reason_code"] = "Select why you are declining the referral"
        if not words and "reason" not in errors:
            errors["reason"] = "Explain in words why you are declining; the referrer will see this"
    elif decision == TriageDecision.REDIRECT:
        if not isinstance(redirect_to, str) or redirect_to not in rc.redirect_targets():
            errors["redirect_to"] = "Select the service you are sending the referral to"
        if not words and "reason" not in errors:
            errors["reason"] = (
                "Explain in words why you are redirecting; the referrer will see this"
            )
    elif decision == TriageDecision.MERGE:
        if case is None:
            errors["case"] = "Enter the reference of the case to add this referral to"
        elif not visible_cases(actor).filter(pk=case.pk).exists():
            errors["case"] = "There is no case with that reference that you can see"
    if errors:
        raise ValidationError(errors)
    # The version claim locks the row before anything is written (a case opened, above all),
    # so of two triagers deciding at once exactly one decides; the other is told by whom.
    with (
        transaction.atomic(),
        versioned_save(referral, actor=actor, expected_version=expected_version),
    ):
        referral.decision = decision
        referral.decision_reason = words
        referral.decision_reason_code = reason_code if decision == TriageDecision.DECLINE else ""
        referral.redirect_to = redirect_to if decision == TriageDecision.REDIRECT else ""
        if decision == TriageDecision.ACCEPT:
            referral.case = case_open_from_referral(
                actor=actor, referral=referral, opened_at=decided_at
            )
            referral.status = ReferralStatus.ACCEPTED
        elif decision == TriageDecision.MERGE:
            assert case is not None
            referral.case = case_add_referral(actor=actor, case=case, referral=referral)
            referral.status = ReferralStatus.MERGED
        elif decision == TriageDecision.DECLINE:
            referral.status = ReferralStatus.DECLINED
        else:
            referral.status = ReferralStatus.REDIRECTED
        referral.decided_by = actor
        referral.decided_at = decided_at or timezone.now()
        referral.save(
            update_fields=[
                "decision",
                "decision_reason",
                "decision_reason_code",
                "redirect_to",
                "case",
                "status",
                "decided_by",
                "decided_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="referral.triage",
            obj=referral,
            details={
                "decision": decision,
                "reason_code": referral.decision_reason_code,
                "redirect_to": referral.redirect_to,
                "case": referral.case.reference if referral.case else "",
                "version": referral.version,
            },
        )
    return referral


def referral_status_view(*, actor: Any, referral: Referral, mark_seen: bool = True) -> bool:
    """Record that the referrer looked at their referral's status.

    Returns True the first time they see the outcome after the decision (the page shows a
    notification banner then, and only then). A partner system reading the status through
    the API passes `mark_seen=False`, so the person still sees the banner on the page.
    """
    if actor is None or referral.referrer_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the referrer sees a referral's status")
    first_sight = mark_seen and referral.decided_at is not None and referral.outcome_seen_at is None
    with transaction.atomic():
        if first_sight:
            referral.outcome_seen_at = timezone.now()
            Referral.objects.filter(pk=referral.pk).update(outcome_seen_at=referral.outcome_seen_at)
        audit_record(
            actor=actor,
            action="referral.status_view",
            obj=referral,
            purpose="The referrer checked what became of their referral",
            details={"outcome_first_seen": first_sight},
        )
    return first_sight
