"""Placements, education and transitions in the demo borough (decision 0110): children on the
hub's open cases placed out of borough, in unregulated and supported accommodation and in a
children's home in the borough; excluded, on part-time timetables, NEET; one young person
past 17 and a half with adult social care on the case (the alert on its due view), and one
turning 17 and a half within weeks (the MACEMM agenda's transitions). Dates from `today`."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from nestguard.cases.models import Case, CaseStatus, CaseSubject
from nestguard.cases.services.work import case_subject_record, case_team_add_agency
from nestguard.childhood.policy import add_months
from nestguard.childhood.services.records import education_record, placement_record
from nestguard.demo.partnership import Partnership

HOME = "Northbrook Council"
# (type, placing authority, located authority, recorded out of borough, days ago)
PLACEMENTS = (
    ("foster_care", "Southmoor Borough Council", HOME, None, 240),
    ("unregulated", "Kingsbridge City Council", "", True, 120),
    ("supported_accommodation", "Westholm Council", HOME, None, 60),
    ("childrens_home", HOME, HOME, None, 400),
    ("unregulated", "Eastfold District Council", HOME, None, 30),
)
# (status, provider, days ago)
EDUCATION = (
    ("excluded_fixed", "Northbrook Academy", 12),
    ("part_time", "Fellowfield High School", 90),
    ("neet", "", 200),
    ("excluded_permanent", "Northbrook Academy", 150),
    ("alternative_provision", "Northbrook Learning Centre", 45),
    ("part_time", "Northbrook Academy", 20),
)


def _children(partnership: Partnership, today: date, count: int) -> list[CaseSubject]:
    hub = partnership.agencies["hub"]
    subjects = (
        CaseSubject.objects.filter(
            case__lead_agency=hub,
            person__date_of_birth__gt=add_months(today, -12 * 16),
            person__date_of_birth__lte=add_months(today, -12 * 11),
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("person", "case")
        .order_by("case__reference", "person__family_name")
    )
    found: dict[object, CaseSubject] = {}
    for subject in subjects:
        found.setdefault(subject.person_id, subject)
        if len(found) == count:
            break
    return list(found.values())


def _transition_children(partnership: Partnership, today: date) -> int:
    """Two young people on the hub's oldest open cases: one past 17 and a half with adult
    social care named on the case; one reaching 17 and a half in three weeks."""
    hub = partnership.agencies["hub"]
    worker = partnership.users["hub.caseworker"]
    cases = list(
        Case.objects.filter(lead_agency=hub, status=CaseStatus.OPEN).order_by("reference")[:2]
    )
    if len(cases) < 2:
        return 0
    past = add_months(today, -(17 * 12 + 7))
    soon = add_months(today, -(17 * 12 + 6)) + timedelta(days=21)
    case_subject_record(
        actor=worker,
        case=cases[0],
        role="victim",
        given_name="Kacey",
        family_name="Ormsworth",
        date_of_birth=past,
    )
    with contextlib.suppress(ValidationError):  # already on the team
        case_team_add_agency(actor=worker, case=cases[0], agency=partnership.agencies["asc"])
    case_subject_record(
        actor=worker,
        case=cases[1],
        role="person_at_risk",
        given_name="Rio",
        family_name="Delacombe",
        date_of_birth=soon,
    )
    return 2


def seed_placements(*, partnership: Partnership, today: date) -> dict[str, int]:
    worker = partnership.users["hub.caseworker"]
    children = _children(partnership, today, len(PLACEMENTS) + len(EDUCATION))
    placed = 0
    for subject, (kind, placing, located, away, ago) in zip(children, PLACEMENTS, strict=False):
        placement_record(
            worker,
            person=subject.person,
            placement_type=kind,
            placing_authority=placing,
            located_authority=located,
            out_of_borough=away,
            starts_on=today - timedelta(days=ago),
        )
        placed += 1
    schooled = 0
    for subject, (status, provider, ago) in zip(children[1:], EDUCATION, strict=False):
        education_record(
            worker,
            person=subject.person,
            status=status,
            provider=provider,
            starts_on=today - timedelta(days=ago),
        )
        schooled += 1
    return {
        "placements": placed,
        "education_statuses": schooled,
        "transitions": _transition_children(partnership, today),
    }
