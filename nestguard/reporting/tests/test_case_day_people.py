"""The people and concern counts each day of opened cases keeps (decision 0133) reconcile with
the records: equality monitoring's tables and the county lines review's CSE and CCE table read
from them equal the same counted live AND a count of the cases, their subjects and people made
here by hand, for several periods (a year, a quarter, four weeks across the clocks going back,
one month), after changes that send no signal; and the check finds a stored person or count
that differs from the records, which a build would read wrong."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from nestguard.cases.models import Case, CaseSubject
from nestguard.core.calendar import UK
from nestguard.people.models import Person
from nestguard.reporting import case_daily, daily, measures
from nestguard.reporting.models import CaseDay, CaseDayCount, CaseDayPerson
from nestguard.reporting.registry import ReportRequest
from nestguard.reporting.reports import county_lines_review, equality_monitoring

from .conftest import END, PERIODS, START, World

pytestmark = pytest.mark.django_db

GROUPS = (("at_risk", measures.AT_RISK_ROLES), ("suspect", case_daily.SUSPECT_ROLES))


def _figures(user: Any, start: date, end: date, *, aggregate: bool) -> dict[str, Any]:
    with override_settings(NESTGUARD_REPORTS_DAILY=aggregate):
        request = ReportRequest(user, start, end)
        assert daily.usable(request) is aggregate
        found: dict[str, Any] = {
            measure: sorted(equality_monitoring._people(request, roles, measure))
            for measure, roles in GROUPS
        }
        found["exploitation"] = county_lines_review.exploitation_victims(request).rows
        found["equality"] = [t.rows for t in equality_monitoring.build(request).tables]
        return found


def _by_hand(start: date, end: date) -> dict[str, Any]:
    """The people by (sex, ethnicity) and the CSE/CCE rows from the records, in Python."""
    first = datetime.combine(start, time.min, tzinfo=UK)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UK)
    cases = {c.pk: c for c in Case.objects.filter(opened_at__gte=first, opened_at__lt=after)}
    links = list(CaseSubject.objects.filter(case_id__in=cases))
    people = Person.objects.in_bulk({link.person_id for link in links})
    found: dict[str, Any] = {}
    for measure, roles in GROUPS:
        named = {link.person_id for link in links if link.role in roles}
        counts = Counter((people[p].sex, people[p].ethnicity) for p in named)
        found[measure] = sorted((sex, ethnicity, n) for (sex, ethnicity), n in counts.items())
    rows = []
    for code, label in county_lines_review.EXPLOITATION:
        with_concern = {pk for pk, c in cases.items() if code in c.concern_types}
        children = {
            link.person_id
            for link in links
            if link.case_id in with_concern
            and link.role in measures.AT_RISK_ROLES
            and county_lines_review.is_child(
                people[link.person_id].date_of_birth, people[link.person_id].age_estimate, end
            )
        }
        rows.append((label, len(with_concern), len(children)))
    found["exploitation"] = rows
    return found


def _agree(user: Any, start: date = START, end: date = END) -> dict[str, Any]:
    kept = _figures(user, start, end, aggregate=True)
    assert kept == _figures(user, start, end, aggregate=False)
    hand = _by_hand(start, end)
    assert kept["at_risk"] == hand["at_risk"]
    assert kept["suspect"] == hand["suspect"]
    assert [(row[0], row[1], row[2]) for row in kept["exploitation"][:2]] == hand["exploitation"]
    return kept


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_people_and_concerns_from_the_days_equal_the_records(
    world: World, start: date, end: date
) -> None:
    CaseDay.objects.all().delete()
    analyst = world.users["analyst"]
    figures = _agree(analyst, start, end)  # counted into the days, then read from them
    assert CaseDayPerson.objects.filter(day__range=(start, end)).exists()
    assert case_daily.current_days(analyst, start, end) == 0
    _agree(analyst, start, end)  # read from the stored days alone
    assert case_daily.check(analyst, start, end) == []
    if (start, end) == (START, END):
        # The year's figures are not all empty, and a person is named on more than one case.
        assert sum(n for _, _, n in figures["at_risk"]) > 0
        assert sum(n for _, _, n in figures["suspect"]) > 0
        assert sum(row[1] for row in figures["exploitation"][:2]) > 0
        assert CaseDayPerson.objects.filter(n__gt=1).exists() or (
            CaseDayPerson.objects.values("measure", "person").distinct().count()
            < CaseDayPerson.objects.count()
        )


def test_changes_that_send_no_signal_move_the_people(world: World) -> None:
    """A person named on a case in bulk (as `case_add_referral` does, stamping the case), one
    named singly with no stamp (its signal), a case moved to another day, a concern added and
    a person's ethnicity and date of birth changed, all by `QuerySet.update`: the figures
    still equal the records."""
    analyst = world.users["analyst"]
    _agree(analyst)
    period = measures.cases_opened(ReportRequest(analyst, START, END))
    newest = Case.objects.aggregate(at=Max("updated_at"))["at"]
    now = max(timezone.now(), newest + timedelta(minutes=1))
    case = period.order_by("opened_at").first()
    other = period.order_by("opened_at").last()
    assert case is not None and other is not None
    stranger = Person.objects.exclude(case_links__case=case).order_by("pk").first()
    assert stranger is not None
    CaseSubject.objects.bulk_create([CaseSubject(case=case, person=stranger, role="victim")])
    Case.objects.filter(pk=case.pk).update(
        concern_types=[*case.concern_types, "cse", "cce"], updated_at=now
    )
    _agree(analyst)
    named = Person.objects.exclude(case_links__case=other).order_by("-pk").first()
    assert named is not None
    CaseSubject.objects.create(case=other, person=named, role="suspected_exploiter")
    _agree(analyst)
    assert other.opened_at is not None
    Case.objects.filter(pk=other.pk).update(
        opened_at=other.opened_at - timedelta(days=40), updated_at=now + timedelta(seconds=1)
    )
    Person.objects.filter(pk=stranger.pk).update(
        ethnicity="white_roma", date_of_birth=date(2015, 1, 1), age_estimate=None
    )
    _agree(analyst)
    assert case_daily.check(analyst, START, END) == []


def test_the_check_finds_a_stored_person_or_concern_that_differs(world: World) -> None:
    analyst = world.users["analyst"]
    _agree(analyst)
    kept = CaseDayPerson.objects.filter(day__range=(START, END), measure="at_risk").first()
    concern = CaseDayCount.objects.filter(day__range=(START, END), measure="concern").first()
    assert kept is not None and concern is not None
    CaseDayPerson.objects.filter(pk=kept.pk).update(measure="suspect")
    CaseDayCount.objects.filter(pk=concern.pk).update(n=concern.n + 1)
    found = {
        (m.day, m.measure, m.value, m.stored, m.counted)
        for m in case_daily.check(analyst, START, END)
    }
    assert (kept.day, "at_risk", str(kept.person_id), 0, kept.n) in found
    assert (concern.day, "concern", concern.value, concern.n + 1, concern.n) in found
    # Their days' fingerprints say nothing changed: the reconciliation reports them, and a
    # build would read them wrong (the figures no longer equal the records).
    assert {(m.day, m.measure) for m in case_daily.reconcile(analyst)} >= {
        (kept.day, "at_risk"),
        (concern.day, "concern"),
    }
    with override_settings(NESTGUARD_REPORTS_DAILY=True):
        wrong = _figures(analyst, START, END, aggregate=True)
    assert wrong != _figures(analyst, START, END, aggregate=False)
    case_daily.repair(analyst, case_daily.reconcile(analyst))
    _agree(analyst)
