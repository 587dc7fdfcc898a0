"""The transition clock reads the days its case links carry (decision 0123): the same alerts,
in the same order, as the Python computation it replaced, on births and case openings chosen
where a calendar goes wrong (29 February, the 29th to the 31st, the clock changes, the days
an alert opens, falls due and lapses); the days kept by every write of a link, a date of
birth, a case's closing and reopening; and the door still asked of every alert."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from conftest import Personas
from nestguard.access.door import visible
from nestguard.accounts.services import sharing_agreement_create
from nestguard.cases.models import Case, CaseStatus, CaseSubject, CaseTeamAgency
from nestguard.childhood import policy
from nestguard.childhood.models import TransitionPlan
from nestguard.childhood.selectors import adult_agencies_of, transitions, transitions_in_order
from nestguard.core.calendar import UK
from nestguard.core.clocks import due_items
from nestguard.people.models import Person
from nestguard.people.tests.builders import make_case
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Cases opened when the children below were children (make_case's default is this year).
OPENED = dt.datetime(2024, 1, 10, 12, 0, tzinfo=UTC)


# -------------------------------------------------------------------------------------------
# The computation the stored days replaced (`childhood.selectors.transitions` before decision
# 0123, less its window of dates of birth, which only narrowed the read): every link, the
# exact tests on the person's date of birth and the UK day the case opened, in Python.


def _old_transitions(
    cases: QuerySet[Case], today: dt.date, *, ahead_months: int = 0, people: Any = None
) -> list[tuple[Any, ...]]:
    links = CaseSubject.objects.exclude(case__status=CaseStatus.CLOSED).values_list(
        "pk", "case_id", "person_id", "person__date_of_birth", "case__opened_at"
    )
    if people is not None:
        links = links.filter(person_id__in=people)
    due: dict[tuple[Any, Any], Any] = {}
    for pk, case_id, person_id, born, opened_at in links.order_by("pk"):
        if born is None or not policy.alert_open(born, today, ahead_months=ahead_months):
            continue
        if policy.adult_on(born) <= opened_at.astimezone(UK).date():
            continue
        due.setdefault((case_id, person_id), pk)
    seen = set(cases.filter(pk__in={c for c, _ in due}).values_list("pk", flat=True))
    subjects = [
        s
        for s in CaseSubject.objects.filter(
            pk__in=[pk for (c, _), pk in due.items() if c in seen]
        ).select_related("case", "case__lead_agency", "person")
    ]
    planned = set(TransitionPlan.objects.values_list("case_id", "person_id"))
    subjects = [s for s in subjects if (s.case_id, s.person_id) not in planned]
    agencies = adult_agencies_of(list({s.case_id: s.case for s in subjects}.values()))
    found = [
        _row(
            s.case,
            s.person,
            policy.alert_opens_on(s.person.date_of_birth),  # type: ignore[arg-type]
            policy.adult_on(s.person.date_of_birth),  # type: ignore[arg-type]
            agencies.get(s.case_id, ()),
        )
        for s in subjects
    ]
    return sorted(found, key=lambda row: (row[3], row[0], str(row[1])))


def _row(case: Case, person: Any, alert_on: dt.date, adult_on: dt.date, adult: Any) -> tuple:
    return (case.reference, person.pk, alert_on, adult_on, tuple(sorted(a.name for a in adult)))


def _new(cases: QuerySet[Case], today: dt.date, **kw: Any) -> list[tuple[Any, ...]]:
    found = [
        _row(t.case, t.person, t.alert_on, t.adult_on, t.adult_agencies)
        for t in transitions(cases, today, **kw)
    ]
    # In order: soonest adulthood first, then by case reference (ties: any order).
    assert [(r[3], r[0]) for r in found] == sorted((r[3], r[0]) for r in found)
    return sorted(found, key=lambda row: (row[3], row[0], str(row[1])))


# Births where the months go wrong: 29 February (leap and not), the ends of months, and the
# days around them.
BIRTHS = [
    dt.date(2008, 2, 29),
    dt.date(2008, 2, 28),
    dt.date(2008, 3, 1),
    dt.date(2008, 8, 29),
    dt.date(2008, 8, 30),
    dt.date(2008, 8, 31),
    dt.date(2009, 1, 31),
    dt.date(2007, 12, 31),
    dt.date(2007, 10, 25),  # 18 on the day the clocks went back in 2025
    dt.date(2008, 3, 29),  # 18 on the day the clocks go forward in 2026
    dt.date(2008, 7, 15),  # 18 in summer time
    dt.date(2008, 1, 10),  # 18 in winter time
    dt.date(2000, 2, 29),  # 25 in 2025: the alert lapses on 1 March
    dt.date(2001, 3, 1),
    dt.date(2001, 2, 28),
]


def _instant(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=UTC)


def _openings(born: dt.date) -> list[dt.datetime]:
    """Case openings around the person's 18th birthday, in UTC: 23:30 the evening before is
    that birthday in the UK in summer time (an adult at opening) and the day before in winter;
    an hour either side of the change at 01:00 UTC on a clock-change day; and a year before
    (a child, unambiguously)."""
    adult = policy.adult_on(born)
    eve = adult - dt.timedelta(days=1)
    return [
        _instant(eve, 22, 59),
        _instant(eve, 23, 30),
        _instant(adult, 0, 30),
        _instant(adult, 1, 30),
        _instant(adult - dt.timedelta(days=365), 12, 0),
    ]


@pytest.fixture
def borough(personas: Personas) -> dict[str, Any]:
    """Every birth on a case opened at each of its tricky instants, led by the hub or the
    police, open, monitoring or closed; an adult service on some teams; a person with two
    roles; a person with no date of birth; a plan recorded for one."""
    asc = AgencyFactory(name="Northbrook Adult Social Care", type="adult_social_care")
    people = [PersonFactory(given_name=f"Born {b}", date_of_birth=b) for b in BIRTHS]
    unknown = PersonFactory(given_name="Unknown age", date_of_birth=None)
    leads = [personas.hub, personas.police]
    statuses = [CaseStatus.OPEN, CaseStatus.MONITORING, CaseStatus.OPEN, CaseStatus.CLOSED]
    count = 0
    for person in people:
        for opened in _openings(person.date_of_birth):
            count += 1
            subjects = [(person, "victim"), (unknown, "associate")]
            if count % 5 == 0:
                subjects.append((person, "suspected_exploiter"))  # two roles
            make_case(
                lead_agency=leads[count % 2],
                subjects=subjects,
                team_agencies=[asc] if count % 3 == 0 else [],
                status=statuses[count % 4],
                opened_at=opened,
            )
    planned = CaseSubject.objects.filter(person=people[0], case__status=CaseStatus.OPEN).first()
    assert planned is not None
    TransitionPlan.objects.create(
        case=planned.case,
        person=people[0],
        plan="Care Act assessment booked",
        recording_agency=personas.hub,
        recorded_by=personas.owner,
        recorded_at=_instant(dt.date(2026, 1, 5), 10, 0),
    )
    return {"people": people, "asc": asc}


def _days(people: list[Person]) -> list[dt.date]:
    """Each day an alert opens, falls due or lapses, the day before and the day after."""
    days = set()
    for person in people:
        born = person.date_of_birth
        assert born is not None
        for day in _expected(born):
            days.update(day + dt.timedelta(days=d) for d in (-1, 0, 1))
        # Opening within months ahead (the agenda) ends on other days.
        for months in (1, 6, 12):
            days.add(policy.add_months(born, 210 - months))
    return sorted(days)


def test_the_stored_days_give_the_old_computations_alerts_on_every_tricky_day(
    personas: Personas, borough: dict[str, Any]
) -> None:
    everyone = Case.objects.all()
    days = _days(borough["people"])
    found = 0
    for today in days:
        old = _old_transitions(everyone, today)
        assert _new(everyone, today) == old, today
        found += len(old)
    assert found > 100  # the days chosen do find alerts, opening, due and lapsing


@pytest.mark.parametrize("ahead", [1, 6, 12, -3])
def test_opening_within_months_ahead_is_the_old_computations(
    personas: Personas, borough: dict[str, Any], ahead: int
) -> None:
    everyone = Case.objects.all()
    for today in _days(borough["people"])[::3]:
        assert _new(everyone, today, ahead_months=ahead) == _old_transitions(
            everyone, today, ahead_months=ahead
        ), today


def test_through_the_door_and_for_named_people_it_is_the_old_computations(
    personas: Personas, borough: dict[str, Any]
) -> None:
    people = borough["people"]
    some = [p.pk for p in people[::2]]
    scope = Person.objects.filter(pk__in=some)
    days = _days(people)[::6]
    for user in (personas.owner, personas.partner, personas.outsider):
        cases = visible(user, Case)
        for today in days:
            assert _new(cases, today) == _old_transitions(cases, today), (user, today)
            assert _new(cases, today, people=some) == _old_transitions(cases, today, people=some)
            assert _new(cases, today, people=scope) == _old_transitions(cases, today, people=some)


def test_a_page_at_a_time_is_the_same_list(personas: Personas, borough: dict[str, Any]) -> None:
    """Pages end on whole days (a day's alerts read together), whatever the page's size."""
    everyone = Case.objects.all()
    today = dt.date(2026, 2, 27)
    whole = [(t.case.pk, t.person.pk) for t in transitions(everyone, today)]
    assert len(whole) > 10
    for page in (1, 2, 5):
        paged = transitions_in_order(everyone, today, page=page)
        assert [(t.case.pk, t.person.pk) for t in paged] == whole


# -------------------------------------------------------------------------------------------
# The days kept by every write


def _stored(link: CaseSubject) -> tuple[Any, ...]:
    link.refresh_from_db()
    return (link.transition_opens_on, link.transition_due_on, link.transition_lapses_on)


def _expected(born: dt.date) -> tuple[Any, ...]:
    return (policy.alert_opens_on(born), policy.adult_on(born), policy.alert_lapses_on(born))


def test_a_link_carries_its_days_however_it_is_written(personas: Personas) -> None:
    from nestguard.cases.services.work import case_subject_add, case_subject_record

    born = dt.date(2009, 2, 28)
    child = PersonFactory(date_of_birth=born)
    adult = PersonFactory(date_of_birth=dt.date(1990, 5, 1))
    case = make_case(
        lead_agency=personas.hub,
        subjects=[(child, "victim"), (adult, "victim")],
        opened_at=OPENED,
    )
    by_bulk = CaseSubject.objects.get(case=case, person=child)
    assert _stored(by_bulk) == _expected(born)
    assert _stored(CaseSubject.objects.get(case=case, person=adult)) == (None, None, None)
    by_save = CaseSubject.objects.create(case=case, person=child, role="person_at_risk")
    assert _stored(by_save) == _expected(born)
    other = PersonFactory(date_of_birth=dt.date(2010, 8, 31))
    added = case_subject_add(actor=personas.owner, case=case, person=other, role="victim")
    assert _stored(added) == _expected(dt.date(2010, 8, 31))
    recorded = case_subject_record(
        actor=personas.owner,
        case=case,
        role="victim",
        given_name="Rio",
        date_of_birth=dt.date(2011, 2, 28),
    )
    assert _stored(recorded) == _expected(dt.date(2011, 2, 28))
    nobody = case_subject_record(actor=personas.owner, case=case, role="victim", given_name="Ash")
    assert _stored(nobody) == (None, None, None)


def test_an_adult_on_the_day_the_case_opened_by_the_uk_clock_has_no_days(
    personas: Personas,
) -> None:
    """18 on 15 July 2026: a case opened at 23:30 UTC on the 14th opened on the 15th in the UK
    (summer time), when they were an adult; at 22:59 UTC, on the 14th, a child."""
    person = PersonFactory(date_of_birth=dt.date(2008, 7, 15))
    late = make_case(
        lead_agency=personas.hub,
        subjects=[(person, "victim")],
        opened_at=_instant(dt.date(2026, 7, 14), 23, 30),
    )
    early = make_case(
        lead_agency=personas.hub,
        subjects=[(person, "victim")],
        opened_at=_instant(dt.date(2026, 7, 14), 22, 59),
    )
    assert _stored(CaseSubject.objects.get(case=late)) == (None, None, None)
    assert _stored(CaseSubject.objects.get(case=early)) == _expected(dt.date(2008, 7, 15))


def test_closing_clears_the_days_and_reopening_writes_them_again(personas: Personas) -> None:
    from nestguard.cases.services.closing import case_close, case_reopen

    born = dt.date(2008, 2, 29)
    child = PersonFactory(date_of_birth=born)
    case = make_case(lead_agency=personas.hub, subjects=[(child, "victim")], opened_at=OPENED)
    link = CaseSubject.objects.get(case=case)
    assert _stored(link) == _expected(born)
    case_close(
        actor=personas.owner,
        case=case,
        outcomes=["moved"],
        resolution="not_resolved",
        summary="Lost contact",
    )
    assert _stored(link) == (None, None, None)
    case.refresh_from_db()
    case_reopen(actor=personas.owner, case=case, reason="Back in the borough")
    assert _stored(link) == _expected(born)


def test_a_date_of_birth_disposed_of_takes_the_alert_with_it(personas: Personas) -> None:
    from nestguard.retention.services.dispose import Disposed, person_anonymise

    child = PersonFactory(date_of_birth=dt.date(2008, 8, 31))
    case = make_case(lead_agency=personas.hub, subjects=[(child, "victim")], opened_at=OPENED)
    link = CaseSubject.objects.get(case=case)
    assert _stored(link)[0] is not None
    person_anonymise(child, Disposed())
    assert _stored(link) == (None, None, None)


def test_keeping_the_days_mends_a_link_written_around_the_model(personas: Personas) -> None:
    """`keep_transition_dates` works them out from the database (after a bulk load, a change
    of the rules): it changes only what is wrong and says how many."""
    born = dt.date(2008, 8, 30)
    child = PersonFactory(date_of_birth=born)
    case = make_case(lead_agency=personas.hub, subjects=[(child, "victim")], opened_at=OPENED)
    CaseSubject.objects.update(transition_opens_on=None, transition_due_on=None)
    assert CaseSubject.objects.all().keep_transition_dates() == 1
    assert _stored(CaseSubject.objects.get(case=case)) == _expected(born)
    assert CaseSubject.objects.all().keep_transition_dates() == 0


# -------------------------------------------------------------------------------------------
# The door


def test_an_adult_service_that_may_not_see_the_case_is_not_told(personas: Personas) -> None:
    """Named on the case team as an adult service, so the clock reads the alert for it; with no
    sharing agreement with the hub, the door hides the case, and its due view shows nothing.
    Once an agreement is in force, the alert is theirs."""
    asc = AgencyFactory(name="Southmoor Adult Services", type="adult_social_care")
    worker = UserFactory(username="asc.worker", agency=asc, roles=["caseworker"])
    today = timezone.localdate()
    child = PersonFactory(date_of_birth=policy.add_months(today, -211))
    case = make_case(
        lead_agency=personas.hub,
        subjects=[(child, "victim")],
        team_agencies=[asc],
        opened_at=timezone.now() - dt.timedelta(days=400),
    )
    assert CaseTeamAgency.objects.filter(case=case, agency=asc).exists()
    assert not visible(worker, Case).filter(pk=case.pk).exists()
    assert [i for i in due_items(worker) if i.source == "transition"] == []
    # The lead is not told either: an adult service is named on the case.
    assert [i for i in due_items(personas.owner) if i.source == "transition"] == []
    sharing_agreement_create(
        actor=None,
        name="Adults agreement",
        parties=[personas.hub, asc],
        purposes="Transitions",
        lawful_basis="safeguarding_sch1_para18",
        starts_on=today - dt.timedelta(days=30),
        review_on=today + dt.timedelta(days=300),
    )
    told = [i for i in due_items(worker) if i.source == "transition"]
    assert [i.owner_label for i in told] == [case.reference]
