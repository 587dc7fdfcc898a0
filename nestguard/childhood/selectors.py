"""What the childhood pages, the due view, the agenda and the notifications read.

A transition is due for a person named on a case that is not closed, from the day they are
17 years and 6 months old (`policy.alert_opens_on`), when they were still a child when the
case opened, until a transition plan is recorded for them on that case (or they reach 25)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.access.selectors import can_work_cases
from nestguard.accounts.models import Agency
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import Case, CaseStatus, CaseSubject, CaseTeamAgency
from nestguard.childhood import policy
from nestguard.childhood.models import EducationStatus, Placement, TransitionPlan
from nestguard.core.calendar import UK
from nestguard.people.models import Person


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
    # The few people born in the window first (an index), as plain values: the exact test of
    # the alert runs on those before any record is loaded, and which of them the caller may
    # see is asked with short lists of keys. One query joining the window to the caller's
    # scope (a subquery of every person a panel may see) left the plan to SQLite's guess,
    # which at a borough's size took minutes (decision 0122).
    window = (
        CaseSubject.objects.filter(
            person__date_of_birth__gt=earliest, person__date_of_birth__lte=latest
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .values_list("pk", "case_id", "person_id", "person__date_of_birth", "case__opened_at")
    )
    listed = people is not None and not isinstance(people, QuerySet)
    if listed:
        # A few people named by key (a person's page): the database narrows to them first.
        window = window.filter(person_id__in=list(people))
    due: dict[tuple[Any, Any], Any] = {}
    for pk, case_id, person_id, born, opened_at in window:
        if born is None or not policy.alert_open(born, today, ahead_months=ahead_months):
            continue
        # A child when the case opened: an adult named on a case never turns 18 on it.
        if policy.adult_on(born) <= opened_at.astimezone(UK).date():
            continue
        due.setdefault((case_id, person_id), pk)
    if people is not None and not listed:
        allowed = _among(Person.objects.filter(pk__in=people), {p for _, p in due})
        due = {key: pk for key, pk in due.items() if key[1] in allowed}
    seen = _among(cases, {c for c, _ in due})
    subjects = (
        CaseSubject.objects.filter(pk__in=[pk for (c, _), pk in due.items() if c in seen])
        .select_related("case", "case__lead_agency", "person")
        .order_by("person__date_of_birth", "case__reference")
    )
    pairs: dict[tuple[Any, Any], CaseSubject] = {(s.case_id, s.person_id): s for s in subjects}
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


def _among(records: QuerySet[Any], keys: set[Any]) -> set[Any]:
    """Which of `keys` are primary keys of `records`, asked a chunk of keys at a time."""
    found: set[Any] = set()
    ordered = list(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update(records.filter(pk__in=chunk).values_list("pk", flat=True))
    return found


def person_records(
    placements: QuerySet[Placement], education: QuerySet[EducationStatus], person: Any
) -> tuple[list[Placement], list[EducationStatus]]:
    return (
        list(placements.filter(person=person).select_related("address", "recording_agency")),
        list(education.filter(person=person).select_related("recording_agency")),
    )


# ---------------------------------------------------------------------------------------------
# The person and case pages' sections (`templatetags/childhood.py`)


def _past_the_alert(person: Any, today: date) -> bool:
    """Whether a transition alert or plan may exist for the person (asked in memory, so that
    the pages ask the database only about those it may concern)."""
    born = person.date_of_birth
    return born is not None and policy.alert_opens_on(born) <= today


def _transitions_and_plans(
    user: Any, people: list[Any], today: date, case: Case | None = None
) -> tuple[list[Transition], list[TransitionPlan]]:
    older = [p for p in people if _past_the_alert(p, today)]
    if not older:
        return [], []
    ids = [p.pk for p in older]
    cases = visible(user, Case) if case is None else visible(user, Case).filter(pk=case.pk)
    due = (
        transitions(cases, today, people=ids)
        if any(policy.alert_open(p.date_of_birth, today) for p in older)
        else []
    )
    plans = visible(user, TransitionPlan).filter(person_id__in=ids)
    if case is not None:
        plans = plans.filter(case=case)
    return due, list(plans.select_related("case", "person", "adult_agency"))


def person_section(user: Any, person: Any, on_case: bool | None = None) -> dict[str, Any]:
    """Shown only to those who see a case naming the person (the door's rule for these
    records): anyone else, who sees the person through a referral in triage, sees nothing,
    not even that there is nothing. `on_case`: whether the page already found such a case
    (the person page lists them); asked here when not given."""
    if on_case is None:
        on_case = user is not None and (
            CaseSubject.objects.filter(case_visible(user), person=person).exists()
        )
    if user is None or not on_case:
        return {"shown": False}
    today = timezone.localdate()
    due, plans = _transitions_and_plans(user, [person], today)
    return {
        "shown": True,
        "person": person,
        "placements": list(
            visible(user, Placement).filter(person=person).select_related("address")
        ),
        "education": list(visible(user, EducationStatus).filter(person=person)),
        "transitions": due,
        "plans": plans,
        "may_record": can_work_cases(user),
    }


def case_section(user: Any, case: Case, people: list[Any]) -> dict[str, Any]:
    """For a case the page already loaded through the door, with its people: the current
    placement and education of those who are children (or of unknown age), its open
    transition alerts and its plans."""
    if user is None:
        return {}
    today = timezone.localdate()
    children = [p for p in people if (p.age_on(today) is None or (p.age_on(today) or 0) < 18)]
    placements: dict[Any, Placement] = {}
    education: dict[Any, EducationStatus] = {}
    if children:
        ids = [p.pk for p in children]
        placements = {
            p.person_id: p
            for p in current(visible(user, Placement).filter(person_id__in=ids), today).order_by(
                "starts_on"
            )
        }
        education = {
            e.person_id: e
            for e in current(
                visible(user, EducationStatus).filter(person_id__in=ids), today
            ).order_by("starts_on")
        }
    rows = [
        {"person": p, "placement": placements.get(p.pk), "education": education.get(p.pk)}
        for p in children
        if p.pk in placements or p.pk in education
    ]
    due, plans = _transitions_and_plans(user, people, today, case)
    return {
        "case": case,
        "children": sorted(rows, key=lambda c: c["person"].display_name),
        "transitions": [
            {
                "person": d.person,
                "adult_on": d.adult_on,
                "adult_agencies": [a.name for a in d.adult_agencies],
                "may_record": may_record_plan(user, d),
            }
            for d in due
        ],
        "plans": plans,
    }


def may_record_plan(user: Any, due: Transition) -> bool:
    """The lead agency's caseworkers and supervisors, or an adult service's on the case."""
    return can_work_cases(user) and (
        user.agency_id == due.case.lead_agency_id
        or user.agency_id in {a.pk for a in due.adult_agencies}
    )
