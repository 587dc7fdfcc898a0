"""What the childhood pages, the due view, the agenda and the notifications read.

A transition is due for a person named on a case that is not closed, from the day they are
17 years and 6 months old (`policy.alert_opens_on`), when they were still a child when the
case opened, until a transition plan is recorded for them on that case (or they reach 25)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from nestguard.accounts.models import Agency
from nestguard.cases.models import Case, CaseStatus, CaseSubject, CaseTeamAgency
from nestguard.childhood import policy
from nestguard.childhood.models import EducationStatus, Placement, TransitionPlan
from nestguard.core.calendar import UK


@dataclass(frozen=True)
class Transition:
    case: Case
    person: Any
    alert_on: date
    adult_on: date
    adult_agencies: tuple[Agency, ...]

    @property
    def recipients(self) -> tuple[Any, ...]:
        """The agencies told: the adult services named on the case, or (none named) its lead,
        who must name one."""
        if self.adult_agencies:
            return tuple(a.pk for a in self.adult_agencies)
        return (self.case.lead_agency_id,)


def current(records: QuerySet[Any], on: date) -> QuerySet[Any]:
    """Placements or education statuses in force on `on`."""
    return records.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def in_period(records: QuerySet[Any], start: date, end: date) -> QuerySet[Any]:
    """In force on any day from `start` to `end` inclusive."""
    return records.filter(starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )


def adult_agencies_of(cases: list[Case]) -> dict[Any, tuple[Agency, ...]]:
    """The adult services named on each case: its lead or team agencies of an adult type."""
    types = policy.adult_service_types()
    found: dict[Any, list[Agency]] = {case.pk: [] for case in cases}
    for case in cases:
        if case.lead_agency.type in types:
            found[case.pk].append(case.lead_agency)
    team = list(
        CaseTeamAgency.objects.filter(
            case_id__in=[c.pk for c in cases], agency__type__in=types
        ).values_list("case_id", "agency_id")
    )
    agencies = Agency.objects.in_bulk([pk for _, pk in team])
    for case_id, pk in team:
        if agencies[pk] not in found[case_id]:
            found[case_id].append(agencies[pk])
    return {k: tuple(v) for k, v in found.items()}


def transitions(
    cases: QuerySet[Case], today: date, *, ahead_months: int = 0, people: Any = None
) -> list[Transition]:
    """The transitions due on `today` (or opening within `ahead_months`) on `cases`, with no
    plan recorded, soonest adulthood first. `people` narrows to those person ids."""
    earliest, latest = policy.born_bounds(today, ahead_months=ahead_months)
    subjects = (
        CaseSubject.objects.filter(
            case__in=cases.exclude(status=CaseStatus.CLOSED).values("pk"),
            person__date_of_birth__gt=earliest,
            person__date_of_birth__lte=latest,
        )
        .select_related("case", "case__lead_agency", "person")
        .order_by("person__date_of_birth", "case__reference")
    )
    if people is not None:
        subjects = subjects.filter(person_id__in=people)
    pairs: dict[tuple[Any, Any], CaseSubject] = {}
    for subject in subjects:
        born = subject.person.date_of_birth
        assert born is not None
        if not policy.alert_open(born, today, ahead_months=ahead_months):
            continue
        # A child when the case opened: an adult named on a case never turns 18 on it.
        if policy.adult_on(born) <= subject.case.opened_at.astimezone(UK).date():
            continue
        pairs.setdefault((subject.case_id, subject.person_id), subject)
    planned = set(
        TransitionPlan.objects.filter(case_id__in={c for c, _ in pairs}).values_list(
            "case_id", "person_id"
        )
    )
    open_pairs = [s for key, s in pairs.items() if key not in planned]
    agencies = adult_agencies_of(list({s.case_id: s.case for s in open_pairs}.values()))
    found = [
        Transition(
            case=s.case,
            person=s.person,
            alert_on=policy.alert_opens_on(s.person.date_of_birth),  # type: ignore[arg-type]
            adult_on=policy.adult_on(s.person.date_of_birth),  # type: ignore[arg-type]
            adult_agencies=agencies.get(s.case_id, ()),
        )
        for s in open_pairs
    ]
    return sorted(found, key=lambda t: (t.adult_on, t.case.reference))


def person_records(
    placements: QuerySet[Placement], education: QuerySet[EducationStatus], person: Any
) -> tuple[list[Placement], list[EducationStatus]]:
    return (
        list(placements.filter(person=person).select_related("address", "recording_agency")),
        list(education.filter(person=person).select_related("recording_agency")),
    )
