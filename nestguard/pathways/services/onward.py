"""Onward referrals from a case to a service in the services directory (`directory.Service`).

The service's eligibility rules, read from its row at the time (age range, consent, the case's
concerns, the person's role on the case, the wards of the case's addresses), are checked when
the referral is sent, each failure given as a reason; the referral then moves sent → accepted
or declined, and accepted → completed with its outcome. A service with a follow-up clock (its
aftercare) sets the referral's follow-up date when it accepts or completes, from its row as it
then is; recording the follow-up closes the clock (decision 0108).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.audit.disclosure import onward_basis
from nestguard.audit.services import audit_record
from nestguard.cases.models import Case, CaseAddress, CaseSubject
from nestguard.cases.services.chronology import chronology_event
from nestguard.cases.services.common import require_open
from nestguard.core.calendar import add_months
from nestguard.core.models import next_reference
from nestguard.directory.eligibility import Eligibility
from nestguard.directory.models import Service
from nestguard.pathways import policy, rules
from nestguard.pathways.models import OnwardReferral
from nestguard.pathways.services.common import TEXT_MAX, day, person_on_case, text_field
from nestguard.people.models import Person


def eligibility_reasons(service: Service, person: Person, case: Case, consent_given: bool,
                        on: date | None = None) -> list[str]:  # fmt: skip
    """Why `person` cannot be referred to the service, by its row's rules; empty when they
    can."""
    roles = CaseSubject.objects.filter(case=case, person=person).values_list("role", flat=True)
    wards = CaseAddress.objects.filter(case=case).values_list("address__ward", flat=True)
    return Eligibility.of(service).reasons_not_eligible(
        age=person.age_on(on or timezone.localdate()),
        consent_given=consent_given,
        concern_types=list(case.concern_types),
        subject_roles=list(roles),
        wards=list(wards),
    )


def _service(actor: Any, code: Any) -> Service | None:
    """An active service of the directory by its code, or None."""
    if not isinstance(code, str) or not code:
        return None
    return visible(actor, Service).filter(code=code, active=True).first()


def follow_up_due(service: Service, status: str, on: date) -> date | None:
    """When the service's follow-up falls due, if `status` (on `on`) starts its clock."""
    if not service.has_follow_up or service.follow_up_from != status:
        return None
    return add_months(on, service.follow_up_months or 0) + timedelta(
        days=service.follow_up_days or 0
    )


def onward_referral_send(
    *,
    actor: Any,
    case: Case,
    person: Person,
    service: str,
    reason: str,
    consent_given: bool = False,
    sent_on: date | None = None,
) -> OnwardReferral:
    if not rules.can_send_onward(actor, case):
        raise PermissionDenied("You cannot refer from this case")
    require_open(case, "make onward referrals")
    errors: dict[str, Any] = {}
    on = day(errors, "sent_on", sent_on or timezone.localdate(), label="date it was sent",
             not_before=timezone.localdate(case.opened_at),
             not_before_label="the case was opened")  # fmt: skip
    chosen = _service(actor, service)
    if chosen is None:
        errors["service"] = "Choose a service from the directory"
    refuse_if_restricted(actor=actor, record=case, people=[person.pk] if person else ())
    if person is None or not person_on_case(case, person):
        errors["person"] = f"Choose someone named on case {case.reference}"
    if not isinstance(consent_given, bool):
        errors["consent_given"] = "Say whether they consented to the referral"
        consent_given = False
    reason = text_field(
        errors, "reason", reason, label="Reason", max_length=TEXT_MAX, required=True,
        missing="Say why you are referring them",
    )  # fmt: skip
    if chosen is not None and "person" not in errors:
        reasons = eligibility_reasons(chosen, person, case, consent_given, on)
        if reasons:
            errors["service"] = reasons
    if errors:
        raise ValidationError(errors)
    assert on is not None and chosen is not None
    label = chosen.name
    with transaction.atomic():
        referral = OnwardReferral.objects.create(
            reference=next_reference("onward_referral", "ONW"),
            case=case,
            person=person,
            service=chosen.code,
            status="sent",
            consent_given=consent_given,
            reason=reason,
            sent_on=on,
            sent_by=actor,
            sent_by_agency=actor.agency,
        )
        chronology_event(
            case=case, actor=actor,
            text=f"Onward referral {referral.reference} of {person.display_name} to {label}",
        )  # fmt: skip
        audit_record(
            actor=actor, action="onward_referral.send", obj=referral,
            details={"case": case.reference, "service": chosen.code},
            basis=onward_basis(case.lead_agency, chosen.provider, consent_given),
        )  # fmt: skip
    return referral


def onward_referral_update(
    *,
    actor: Any,
    referral: OnwardReferral,
    status: str,
    on: date | None = None,
    note: str = "",
    outcome: str = "",
) -> OnwardReferral:
    """The service's answer (accepted or declined, a reason for declining) or, once accepted,
    its completion with the outcome."""
    if not rules.can_send_onward(actor, referral.case):
        raise PermissionDenied("You cannot update this referral")
    refuse_if_restricted(actor=actor, record=referral)
    statuses = policy.codes("onward_statuses")
    allowed = next_statuses(referral)
    if status not in allowed:
        if allowed:
            nexts = " or ".join(statuses.label(s).lower() for s in allowed)
            message = (
                f"{referral.reference} is {statuses.label(referral.status).lower()}: it can "
                f"next be {nexts}"
            )
        else:
            message = (
                f"{referral.reference} is {statuses.label(referral.status).lower()}: it is finished"
            )
        raise ValidationError({"status": message})
    errors: dict[str, Any] = {}
    since = referral.responded_on or referral.sent_on
    when = day(errors, "on", on or timezone.localdate(), label="date", not_before=since,
               not_before_label=f"{since:%-d %B %Y}")  # fmt: skip
    note = text_field(
        errors, "note", note, label="Note", max_length=TEXT_MAX,
        required=status in ("declined", "followed_up"),
        missing="Give the service's reason for declining" if status == "declined"
        else "Say how the follow-up went",
    )  # fmt: skip
    outcome = text_field(
        errors, "outcome", outcome, label="Outcome", max_length=TEXT_MAX,
        required=status == "completed", missing="Describe the outcome",
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    previous = referral.status
    service = Service.objects.get(code=referral.service)
    with transaction.atomic():
        referral.status = status
        if status in ("accepted", "declined"):
            referral.responded_on = when
            referral.response_note = note
        elif status == "completed":
            referral.completed_on = when
            referral.outcome = outcome
        else:
            referral.followed_up_on = when
            referral.follow_up_note = note
        assert when is not None
        due = follow_up_due(service, status, when)
        if due is not None:
            referral.follow_up_due_on = due
            referral.follow_up_label = service.follow_up_label
        referral.save()
        chronology_event(
            case=referral.case, actor=actor,
            text=f"Onward referral {referral.reference} to {service.name}: "
            f"{statuses.label(status).lower()}",
        )  # fmt: skip
        audit_record(
            actor=actor, action="onward_referral.update", obj=referral,
            details={"from": previous, "to": status},
        )  # fmt: skip
    return referral


def next_statuses(referral: OnwardReferral) -> list[str]:
    """What the referral may next become: the status list's `next`, with the follow-up only
    when a follow-up clock is running (set, and not yet recorded)."""
    following = referral.follow_up_due_on is not None and referral.followed_up_on is None
    return [
        code
        for code in policy.codes("onward_statuses").get(referral.status)["next"]
        if code != "followed_up" or following
    ]
