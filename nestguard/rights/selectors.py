"""Reads of the rights app, each starting from the door."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from nestguard.access import door
from nestguard.accounts.models import Role
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import CaseSubject
from nestguard.core.keyset import Key, KeysetPage, keyset_page
from nestguard.enforcement.models import EnforcementAction
from nestguard.pathways.models import MissingEpisode, NrmReferral, OnwardReferral
from nestguard.people.models import Person
from nestguard.referrals.models import ReferralSubject
from nestguard.rights.models import (
    ProcessingRestriction,
    RightsRequest,
    SubjectAccessRequest,
)
from nestguard.risk.models import RiskAssessment

PAGE_SIZE = 50
EVENT_KEYS = (Key("occurred_at", descending=True), Key("pk", descending=True))


def people_named(user: Any, given: str, family: str, limit: int = 25) -> list[Person]:
    """A data protection officer finding a person to act on (purpose data_protection)."""
    people = door.visible(user, Person, purpose="data_protection")
    if given:
        people = people.filter(given_name__iexact=given.strip())
    if family:
        people = people.filter(family_name__iexact=family.strip())
    return list(people.order_by("family_name", "given_name", "pk")[:limit])


def open_requests(user: Any, *, cursor: str | None) -> KeysetPage[SubjectAccessRequest]:
    rows = door.visible(user, SubjectAccessRequest, purpose="subject_access").select_related(
        "person"
    )
    return keyset_page(rows, (Key("due_on"), Key("pk")), cursor=cursor, size=PAGE_SIZE)


def person_requests(user: Any, person: Person) -> list[SubjectAccessRequest]:
    return list(
        door.visible(user, SubjectAccessRequest, purpose="subject_access")
        .filter(person=person)
        .order_by("-received_on", "-pk")
    )


def person_rights_requests(user: Any, person: Person) -> list[RightsRequest]:
    return list(
        door.visible(user, RightsRequest, purpose="data_protection")
        .filter(person=person)
        .order_by("-received_on", "-pk")
    )


def open_restriction(user: Any, person: Person) -> ProcessingRestriction | None:
    return (
        door.visible(user, ProcessingRestriction, purpose="data_protection")
        .filter(person=person, lifted_at__isnull=True)
        .select_related("placed_by")
        .first()
    )


def corrections_for(user: Any, person: Person) -> list[RightsRequest]:
    """Upheld corrections of the person, shown where the person is read."""
    return list(
        door.visible(user, RightsRequest, purpose="case_work")
        .filter(person=person)
        .order_by("decided_at", "pk")
    )


def _refs(person_id: Any) -> list[tuple[str, Iterable[Any]]]:
    """The records about the person, as the audit trail names them (type, ids): ids only,
    read to narrow the audit trail, never shown."""
    ids = [person_id]
    return [
        ("person", [str(person_id)]),
        ("case", CaseSubject.objects.filter(person_id__in=ids).values_list("case_id", flat=True)),
        (
            "referral",
            ReferralSubject.objects.filter(person_id__in=ids).values_list("referral_id", flat=True),
        ),
        (
            "missingepisode",
            MissingEpisode.objects.filter(person_id__in=ids).values_list("pk", flat=True),
        ),
        ("nrmreferral", NrmReferral.objects.filter(person_id__in=ids).values_list("pk", flat=True)),
        (
            "onwardreferral",
            OnwardReferral.objects.filter(person_id__in=ids).values_list("pk", flat=True),
        ),
        (
            "riskassessment",
            RiskAssessment.objects.filter(person_id__in=ids).values_list("pk", flat=True),
        ),
        (
            "enforcementaction",
            EnforcementAction.objects.filter(person_id__in=ids).values_list("pk", flat=True),
        ),
    ]


def report_purpose(user: Any) -> str:
    return "data_protection" if user.has_role(Role.DATA_PROTECTION_OFFICER) else "audit"


def access_events(user: Any, person_id: Any) -> QuerySet[AuditEvent]:
    """Who read or changed the person's records, when and for what purpose."""
    about = Q()
    for object_type, ids in _refs(person_id):
        ids_text = [str(pk) for pk in ids]
        if ids_text:
            about |= Q(object_type=object_type, object_id__in=ids_text)
    return door.visible(user, AuditEvent, purpose=report_purpose(user)).filter(about)


def access_page(user: Any, person_id: Any, *, cursor: str | None) -> KeysetPage[AuditEvent]:
    return keyset_page(access_events(user, person_id), EVENT_KEYS, cursor=cursor, size=PAGE_SIZE)


def restrictions_on_case(user: Any, case: Any) -> list[ProcessingRestriction]:
    """Open restrictions on the subjects of a case the user has opened (through the door)."""
    return list(
        door.visible(user, ProcessingRestriction, purpose="case_work")
        .filter(person__case_links__case=case)
        .select_related("person")
        .order_by("created_at", "pk")
    )
