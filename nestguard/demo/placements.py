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
from nestguard.people.models import Person

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


# Made-up children named on the hub's open cases when the history holds too few.
EXTRA_CHILDREN = (
    ("Tyler", "Marchbank"), ("Skye", "Holloway"), ("Reece", "Ambleforth"),
    ("Jade", "Penhallow"), ("Kian", "Worsley"), ("Leah", "Brantwood"),
    ("Corey", "Fennimore"), ("Mia", "Ottershaw"), ("Dion", "Calloway"),
    ("Ella", "Strathmore"), ("Jayden", "Moorcroft"),
)  # fmt: skip


def _children(partnership: Partnership, today: date, count: int) -> list[Person]:
    """Children (10 to 16) on the hub's open cases, each once; made up when too few."""
    hub = partnership.agencies["hub"]
    worker = partnership.users["hub.caseworker"]
    open_cases = Case.objects.filter(lead_agency=hub).exclude(status=CaseStatus.CLOSED)
    subjects = (
        CaseSubject.objects.filter(
            case__in=open_cases,
            person__date_of_birth__gt=add_months(today, -12 * 17),
            person__date_of_birth__lte=add_months(today, -12 * 10),
        )
        .select_related("person")
        .order_by("case__reference", "person__family_name")
    )
    found: dict[object, Person] = {}
    for subject in subjects:
        found.setdefault(subject.person_id, subject.person)
        if len(found) == count:
            return list(found.values())
    cases = list(open_cases.filter(status=CaseStatus.OPEN).order_by("-reference")[:count])
    for index, (given, family) in enumerate(EXTRA_CHILDREN[: count - len(found)]):
        if not cases:
            break
        subject = case_subject_record(
            actor=worker,
            case=cases[index % len(cases)],
            role="person_at_risk",
            given_name=given,
            family_name=family,
            date_of_birth=add_months(today, -(12 * 12 + 7 * index + 3)),
        )
        found[subject.person_id] = subject.person
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
    for child, (kind, placing, located, away, ago) in zip(children, PLACEMENTS, strict=False):
        placement_record(
            worker,
            person=child,
            placement_type=kind,
            placing_authority=placing,
            located_authority=located,
            out_of_borough=away,
            starts_on=today - timedelta(days=ago),
        )
        placed += 1
    schooled = 0
    for child, (status, provider, ago) in zip(children[1:], EDUCATION, strict=False):
        education_record(
            worker,
            person=child,
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
