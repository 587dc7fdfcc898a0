"""Answering a transition alert: the transition plan for a child on a case who is becoming
an adult, recorded by the lead agency or an adult service named on the case (decision 0110).
It closes the alert on the due view, in notifications and on the agenda."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.accounts.models import Agency
from nestguard.audit.services import audit_record
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import Case
from nestguard.childhood import policy
from nestguard.childhood.models import TransitionPlan
from nestguard.childhood.selectors import Transition, may_record_plan, transitions
from nestguard.core.validation import text_value

if TYPE_CHECKING:
    from nestguard.accounts.models import User
    from nestguard.people.models import Person

PLAN_MAX = 4000
NOT_TOLD = (
    "Only caseworkers and supervisors of the lead agency, or of an adult service named on the "
    "case, record its transition plans"
)


def adult_services() -> list[Agency]:
    return list(Agency.objects.filter(active=True, type__in=policy.adult_service_types()))


def transition_due(actor: User, case: Case, person: Person) -> Transition | None:
    """The open alert for `person` on `case`, if the actor may see the case."""
    found = transitions(
        visible_cases(actor).filter(pk=case.pk), timezone.localdate(), people=[person.pk]
    )
    return found[0] if found else None


def transition_record(
    actor: User, *, case: Case, person: Person, adult_agency: Any = None, plan: Any
) -> TransitionPlan:
    due = transition_due(actor, case, person)
    if due is None or not may_record_plan(actor, due) or actor.agency is None:
        raise PermissionDenied(NOT_TOLD)
    refuse_if_restricted(actor=actor, people=[person.pk])
    errors: dict[str, str] = {}
    text = text_value(
        errors, "plan", plan, label="The transition plan", max_length=PLAN_MAX, required=True
    )
    if adult_agency is not None and adult_agency not in adult_services():
        errors["adult_agency"] = "Choose an adult service of the partnership"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = TransitionPlan.objects.create(
            case=case,
            person=person,
            adult_agency=adult_agency,
            plan=text,
            recording_agency=actor.agency,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="childhood.transition_record",
            obj=record,
            purpose="case_work",
            details={
                "case": case.reference,
                "person": str(person.pk),
                "adult_agency": adult_agency.name if adult_agency else "",
            },
        )
    return record
