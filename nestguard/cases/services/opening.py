"""Opening a case from a referral, and adding a further referral to a case.

Both are called by triage (`nestguard.referrals.services.referral_triage`) inside its
transaction; each checks its own permission, so that no other caller can skip the checks.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.access.selectors import can_work_cases
from nestguard.audit.services import audit_record
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import (
    Case,
    CaseAddress,
    CaseStatus,
    CaseSubject,
    CaseTeamUser,
)
from nestguard.cases.services.chronology import chronology_event
from nestguard.core.models import next_reference

if TYPE_CHECKING:
    from nestguard.referrals.models import Referral


def _subject_links(referral: Referral) -> list[tuple[Any, str]]:
    """(person id, role) for each person named on the referral, once each."""
    links: list[tuple[Any, str]] = []
    for subject in referral.subjects.all():
        if subject.person_id is None:
            raise ValidationError(
                {"referral": f"Referral {referral.reference} has a person not yet recorded"}
            )
        pair = (subject.person_id, subject.role)
        if pair not in links:
            links.append(pair)
    return links


def _referral_summary(referral: Referral) -> str:
    from nestguard.referrals.codes import concern_types

    kinds = ", ".join(concern_types().label(c) for c in referral.concern_types)
    submitted = timezone.localtime(referral.submitted_at) if referral.submitted_at else None
    when = f" on {submitted:%-d %B %Y}" if submitted else ""
    return f"Referral {referral.reference} from {referral.referrer_agency}{when}: {kinds}"


def case_open_from_referral(
    *, actor: Any, referral: Referral, opened_at: datetime | None = None
) -> Case:
    """Open a case led by the actor's agency with the actor as lead worker.

    `opened_at` is for imports and the demo borough; otherwise it is now.
    """
    if not can_work_cases(actor):
        raise PermissionDenied("Only caseworkers and supervisors open cases")
    if referral.case_id is not None:
        raise ValidationError({"referral": f"Referral {referral.reference} already has a case"})
    links = _subject_links(referral)
    now = opened_at or timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            reference=next_reference("case", "CASE"),
            summary=f"Opened from referral {referral.reference}",
            lead_agency=actor.agency,
            lead_worker=actor,
            concern_types=list(referral.concern_types),
            opened_at=now,
        )
        CaseSubject.objects.bulk_create(
            CaseSubject(case=case, person_id=person_id, role=role) for person_id, role in links
        )
        if referral.address_id is not None:
            CaseAddress.objects.create(
                case=case,
                address_id=referral.address_id,
                description=f"Address on referral {referral.reference}",
            )
        CaseTeamUser.objects.create(case=case, user=actor)
        chronology_event(case=case, text=_referral_summary(referral), actor=actor, occurred_at=now)
        chronology_event(
            case=case,
            text=f"Case opened from referral {referral.reference} by {actor} ({actor.agency})",
            actor=actor,
            occurred_at=now,
        )
        audit_record(
            actor=actor,
            action="case.open",
            obj=case,
            details={"referral": referral.reference, "subjects": len(links)},
        )
    return case


def case_add_referral(*, actor: Any, case: Case, referral: Referral) -> Case:
    """Add a referral's people and address to an existing case the actor can see."""
    if not can_work_cases(actor) or not visible_cases(actor).filter(pk=case.pk).exists():
        raise PermissionDenied("You cannot add to this case")
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"case": f"Case {case.reference} is closed; choose an open case"})
    refuse_if_restricted(actor=actor, records=[case, referral])
    links = _subject_links(referral)
    with transaction.atomic():
        existing = set(CaseSubject.objects.filter(case=case).values_list("person_id", "role"))
        new_links = [pair for pair in links if pair not in existing]
        CaseSubject.objects.bulk_create(
            CaseSubject(case=case, person_id=person_id, role=role) for person_id, role in new_links
        )
        address_added = False
        if (
            referral.address_id is not None
            and not CaseAddress.objects.filter(case=case, address_id=referral.address_id).exists()
        ):
            CaseAddress.objects.create(
                case=case,
                address_id=referral.address_id,
                description=f"Address on referral {referral.reference}",
            )
            address_added = True
        concerns = list(case.concern_types)
        added_concerns = [c for c in referral.concern_types if c not in concerns]
        if added_concerns:
            case.concern_types = concerns + added_concerns
        if added_concerns or new_links:
            # Stamped: the links are written in bulk (no signal), and the reports' daily case
            # counts keep each day's concerns and people (decision 0133), which notice a case
            # by its newest stamp.
            case.updated_at = timezone.now()
            Case.objects.filter(pk=case.pk).update(
                concern_types=case.concern_types, updated_at=case.updated_at
            )
        chronology_event(case=case, text=_referral_summary(referral), actor=actor)
        chronology_event(
            case=case,
            text=(
                f"Referral {referral.reference} added to the case by {actor}: "
                f"{len(new_links)} new {'person' if len(new_links) == 1 else 'people'}"
                f"{', a new address' if address_added else ''}"
            ),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="case.add_referral",
            obj=case,
            details={
                "referral": referral.reference,
                "subjects_added": len(new_links),
                "address_added": address_added,
            },
        )
    return case
