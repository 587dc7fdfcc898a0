"""What the childhood pages, the due view, the agenda and the notifications read.

A transition is due for a person named on a case that is not closed, from the day they are
17 years and 6 months old (`policy.alert_opens_on`), when they were still a child when the
case opened, until a transition plan is recorded for them on that case (or they reach 25)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.access.selectors import can_work_cases
from nestguard.accounts.models import Agency
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import (
    TRANSITION_FIELDS,
    Case,
    CaseStatus,
    CaseSubject,
    CaseTeamAgency,
)
from nestguard.childhood import policy
from nestguard.childhood.models import EducationStatus, Placement, TransitionPlan
from nestguard.people.models import Person

# Links read a page at a time by the transition clock.
PAGE = 200
# What a transition's callers read of its link, case, lead agency and person (the due view,
# the agenda, notifications, the person and case pages): a page of whole records took most of
# the clock's time (decision 0123). Any other field is read from the database when asked.
LOADED = (
    *TRANSITION_FIELDS,
    "case__reference",
    "case__status",
    "case__lead_agency__name",
    "case__lead_agency__type",
    "person__given_name",
    "person__family_name",
    "person__date_of_birth",
    "person__identity_unknown",
)


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
    cases: QuerySet[Case],
    today: date,
    *,
    ahead_months: int = 0,
    people: Any = None,
    opened_from: date | None = None,
) -> list[Transition]:
    """The transitions due on `today` (or opening within `ahead_months`) on `cases`, with no
    plan recorded, soonest adulthood first (then by case reference). `people` narrows to
    those person ids; `opened_from` to the alerts that opened on or after that day."""
    return list(
        transitions_in_order(
            cases, today, ahead_months=ahead_months, people=people, opened_from=opened_from
        )
    )


def transitions_in_order(
    cases: QuerySet[Case],
    today: date,
    *,
    ahead_months: int = 0,
    people: Any = None,
    opened_from: date | None = None,
    told: Q | None = None,
    page: int = PAGE,
) -> Iterator[Transition]:
    """`transitions`, read a page at a time: a caller that stops early (the due view keeps
    the first `max_items_per_source`) reads no further. The links carry their alert's days
    (decision 0123), so the database finds the open alerts through `subject_transition_idx`
    (the children's links alone, by due day), in order; then, a page at a time, which of
    them the caller may see is asked with short lists of keys, and those kept are loaded.
    `told`: a condition on the links that narrows them before any is read (the due view's
    agency: `clocks._told`); never a door's condition, which is asked of each page."""
    for kept in _kept_pages(
        cases, today, ahead_months=ahead_months, people=people, opened_from=opened_from,
        told=told, page=page,
    ):  # fmt: skip
        yield from load_transitions([key.pk for key in kept], today, ahead_months=ahead_months)


@dataclass(frozen=True)
class TransitionKey:
    """An open alert as `transitions_in_order` orders it, before anything is loaded: the link's
    key, its due day (the 18th birthday) and its case's reference."""

    pk: Any
    adult_on: date
    reference: str


def transition_keys(
    cases: QuerySet[Case], today: date, *, told: Q | None = None, limit: int
) -> list[TransitionKey]:
    """The first `limit` alerts `transitions_in_order(cases, today, told=told)` would yield,
    in its order, as keys: the same reads of the links and the same door, no record loaded
    (the due view counts and orders on them and loads only the page's: decision 0136)."""
    found: list[TransitionKey] = []
    for kept in _kept_pages(cases, today, ahead_months=0, people=None, opened_from=None,
                            told=told, page=PAGE):  # fmt: skip
        found.extend(kept[: limit - len(found)])
        if len(found) >= limit:
            break
    return found


def _kept_pages(
    cases: QuerySet[Case],
    today: date,
    *,
    ahead_months: int,
    people: Any,
    opened_from: date | None,
    told: Q | None,
    page: int,
) -> Iterator[list[TransitionKey]]:
    """The open alerts the caller may see, a page of whole due days at a time, in order."""
    links = _open_links(today, ahead_months=ahead_months, people=people, opened_from=opened_from)
    if told is not None:
        links = links.filter(told)
    once: set[tuple[Any, Any]] = set()
    after: date | None = None
    while True:
        later = links if after is None else links.filter(transition_due_on__gt=after)
        rows = list(_rows(later)[:page])
        last = rows[-1][3] if len(rows) == page else None
        if last is not None:
            # The page's last day read whole (a day's alerts are few), so that the next page
            # starts after it: a keyset on the due day alone, the index's first column, and
            # each page holds whole days.
            rows = [r for r in rows if r[3] != last]
            rows += _rows(links.filter(transition_due_on=last))
        yield _kept(rows, cases, people=people, once=once)
        if last is None:
            return
        after = last


def _open_links(
    today: date, *, ahead_months: int, people: Any, opened_from: date | None
) -> QuerySet[CaseSubject]:
    """The links whose alert is open on `today` (opening within `ahead_months`: a week's
    slack, decided on the date of birth in `load_transitions`), with no plan. A closed case's
    links carry no days (`CaseSubject.keep_transition_dates`), so the index alone answers,
    reading no case (`_kept` still drops a closed case's)."""
    after, until = policy.due_bounds(today, ahead_months=ahead_months)
    links = CaseSubject.objects.filter(
        transition_opens_on__isnull=False,
        transition_due_on__gt=after,
        transition_due_on__lte=until,
        transition_opens_on__lte=policy.opens_bound(today, ahead_months=ahead_months),
        transition_lapses_on__gt=today,
    ).exclude(
        Exists(
            TransitionPlan.objects.filter(
                case_id=OuterRef("case_id"), person_id=OuterRef("person_id")
            )
        )
    )
    if opened_from is not None:
        links = links.filter(transition_opens_on__gte=opened_from)
    if people is not None and not isinstance(people, QuerySet):
        # A few people named by key (a person's page): the database narrows to them first.
        links = links.filter(person_id__in=list(people))
    return links


def _rows(links: QuerySet[CaseSubject]) -> Any:
    """In the index's order, due day first: the order within a day is the page's (`_kept`).
    The case's reference and status are read by its key, for the order and to drop a closed
    case before anything is loaded."""
    return links.order_by("transition_due_on").values_list(
        "pk", "case_id", "person_id", "transition_due_on", "case__reference", "case__status"
    )


def _kept(
    rows: list[Any], cases: QuerySet[Case], *, people: Any, once: set[tuple[Any, Any]]
) -> list[TransitionKey]:
    """The page's alerts the caller may see, each (case, person) once (a person may hold two
    roles on a case), on cases not closed, soonest due first, then by case reference and key.
    A page holds whole days, so ordering each page orders the whole list."""
    first: dict[tuple[Any, Any], Any] = {}
    for pk, case_id, person_id, due, reference, status in rows:
        if (case_id, person_id) not in once:
            first.setdefault((case_id, person_id), (pk, due, reference, status))
    once.update(first)
    if people is not None and isinstance(people, QuerySet):
        allowed = _among(Person.objects.filter(pk__in=people), {p for _, p in first})
        first = {key: row for key, row in first.items() if key[1] in allowed}
    seen = _among(cases, {c for c, _ in first})
    kept = [
        TransitionKey(pk=pk, adult_on=due, reference=reference)
        for (case_id, _), (pk, due, reference, status) in first.items()
        if case_id in seen and status != CaseStatus.CLOSED
    ]
    kept.sort(key=lambda k: (k.adult_on, k.reference, str(k.pk)))
    return kept


def load_transitions(pks: list[Any], today: date, *, ahead_months: int = 0) -> list[Transition]:
    """The transitions of these links (keys from `_kept`, which asked the door), in their
    order, with their case, lead agency, person and adult services."""
    if not pks:
        return []
    loaded = (
        CaseSubject.objects.select_related("case", "case__lead_agency", "person")
        .only(*LOADED)
        .in_bulk(pks)
    )
    subjects = [loaded[pk] for pk in pks if pk in loaded]
    if ahead_months:
        # Opening within months ahead is an age in months on the date of birth, which the
        # stored day narrowed to within a week.
        subjects = [
            s
            for s in subjects
            if s.person.date_of_birth is not None
            and policy.alert_open(s.person.date_of_birth, today, ahead_months=ahead_months)
        ]
    agencies = adult_agencies_of(list({s.case_id: s.case for s in subjects}.values()))
    return [
        Transition(
            case=s.case,
            person=s.person,
            alert_on=s.transition_opens_on,  # type: ignore[arg-type]
            adult_on=s.transition_due_on,  # type: ignore[arg-type]
            adult_agencies=agencies.get(s.case_id, ()),
        )
        for s in subjects
    ]


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
