"""The daily pre-aggregate of case counts (decision 0125) reconciles with the records: the case
tables and headline figures a build reads from it equal the same counted live from the cases,
and the figures equal a count of the case records, for several periods (a year, a quarter,
four weeks across the clocks going back, a single month), after changes that send no signal;
the check finds a count that differs from the records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from nestguard.cases.models import Case, CaseStatus
from nestguard.reporting import case_daily, daily, measures
from nestguard.reporting.models import CaseDay, CaseDayCount
from nestguard.reporting.registry import ReportRequest
from nestguard.reporting.reports import project_evaluation

from .conftest import END, PERIODS, START, World

pytestmark = pytest.mark.django_db


def _figures(user: Any, start: date, end: date, *, aggregate: bool) -> dict[str, Any]:
    with override_settings(NESTGUARD_REPORTS_DAILY=aggregate):
        request = ReportRequest(user, start, end)
        assert daily.usable(request) is aggregate
        return {
            "open_cases_by_risk": measures.open_cases_by_risk(request),
            "closed_case_outcomes": measures.closed_case_outcomes(request),
            "opened": measures.cases_opened_count(request),
            "closed": measures.cases_closed_count(request),
            "open_at_end": measures.cases_open_at_end_count(request),
            "headline": project_evaluation.headline(request),
        }


def _agree(user: Any, start: date = START, end: date = END) -> dict[str, Any]:
    found = _figures(user, start, end, aggregate=True)
    assert found == _figures(user, start, end, aggregate=False)
    # And with the case records themselves, counted without the measures' helpers.
    period = (timezone.make_aware(_midnight(start)), timezone.make_aware(_midnight(end, 1)))
    cases = Case.objects.all()
    assert (
        found["opened"]
        == cases.filter(opened_at__range=period).exclude(opened_at=period[1]).count()
    )
    closed = cases.filter(status=CaseStatus.CLOSED, closed_at__gte=period[0])
    assert found["closed"] == closed.filter(closed_at__lt=period[1]).count()
    open_at_end = [
        c
        for c in cases.filter(opened_at__lt=period[1]).only("closed_at")
        if c.closed_at is None or c.closed_at >= period[1]
    ]
    assert found["open_at_end"] == len(open_at_end)
    by_band = {row[0]: row[1] for row in found["open_cases_by_risk"].rows}
    assert by_band["Total"] == len(open_at_end)
    return found


def _midnight(day: date, plus: int = 0) -> Any:
    from datetime import datetime, time

    from nestguard.core.calendar import UK

    return datetime.combine(day + timedelta(days=plus), time.min, tzinfo=UK).replace(tzinfo=None)


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_case_figures_from_the_aggregate_equal_a_count_of_the_records(
    world: World, start: date, end: date
) -> None:
    CaseDay.objects.all().delete()
    analyst = world.users["analyst"]
    found = _agree(analyst, start, end)  # counted into the aggregate, then read from it
    assert found["opened"] and found["open_at_end"]
    first = case_daily.first_day(analyst)
    assert first is not None
    # The running totals need every day from the first case to the end of the period.
    assert CaseDay.objects.filter(day__range=(first, end)).count() == (end - first).days + 1
    assert case_daily.current_days(analyst, first, end) == 0  # nothing changed
    _agree(analyst, start, end)  # read from the stored days alone
    assert case_daily.check(analyst, first, end) == []


def test_changes_that_send_no_signal_are_counted_again(world: World) -> None:
    """`QuerySet.update`s that stamp `updated_at`: a case's risk band reassessed, a case closed
    with an outcome, a case moved to another day, one closed before it was opened; the days'
    fingerprints differ, the days are counted again, the figures still agree."""
    analyst = world.users["analyst"]
    _agree(analyst)
    newest = Case.objects.aggregate(at=Max("updated_at"))["at"]
    now = max(timezone.now(), newest + timedelta(minutes=1))
    open_now = Case.objects.filter(closed_at__isnull=True).order_by("opened_at")
    first = open_now.first()
    assert first is not None
    band = "low" if first.risk_band != "low" else "high"
    Case.objects.filter(pk=first.pk).update(risk_band=band, updated_at=now)
    before = _agree(analyst)
    closing = open_now.exclude(pk=first.pk).first()
    assert closing is not None
    Case.objects.filter(pk=closing.pk).update(
        status=CaseStatus.CLOSED,
        closed_at=timezone.make_aware(_midnight(END)) - timedelta(hours=3),
        outcomes=["moved"],
        updated_at=now + timedelta(seconds=1),
    )
    after = _agree(analyst)
    assert after["open_at_end"] == before["open_at_end"] - 1
    assert after["closed"] == before["closed"] + 1
    odd = open_now.exclude(pk__in=[first.pk, closing.pk]).first()
    assert odd is not None
    Case.objects.filter(pk=odd.pk).update(
        closed_at=odd.opened_at - timedelta(days=3), updated_at=now + timedelta(seconds=2)
    )
    _agree(analyst)
    assert case_daily.reconcile(analyst) == []


def test_a_saved_case_drops_its_days(world: World) -> None:
    analyst = world.users["analyst"]
    _agree(analyst)
    case = Case.objects.filter(closed_at__isnull=False).order_by("closed_at").first()
    assert case is not None and case.closed_at is not None
    days = {timezone.localtime(at).date() for at in (case.opened_at, case.closed_at)}
    assert CaseDay.objects.filter(day__in=days).count() == len(days)
    case.save()
    assert not CaseDay.objects.filter(day__in=days).exists()
    _agree(analyst)


def test_the_check_reports_a_count_that_differs_from_the_records(world: World) -> None:
    from nestguard.jobs import JobFailed, JobProgress
    from nestguard.reporting.jobs import check_daily_counts
    from nestguard.reporting.period import Asked
    from nestguard.reporting.reading import build
    from nestguard.reporting.registry import report_spec

    analyst = world.users["analyst"]
    build(analyst, report_spec("partnership"), Asked(START, END))
    assert case_daily.reconcile(analyst) == []
    cell = CaseDayCount.objects.filter(day__range=(START, END), measure="open_band").first()
    assert cell is not None
    CaseDayCount.objects.filter(pk=cell.pk).update(n=cell.n + 1)
    found = case_daily.reconcile(analyst)
    assert [(m.day, m.measure, m.value, m.stored, m.counted) for m in found] == [
        (cell.day, "open_band", cell.value, cell.n + 1, cell.n)
    ]
    with pytest.raises(JobFailed, match="1 daily count"):
        check_daily_counts(JobProgress())
    assert case_daily.reconcile(analyst) == []


def test_the_command_counts_every_day_and_checks_them(world: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    analyst = world.users["analyst"]
    CaseDay.objects.all().delete()
    out = StringIO()
    call_command("report_counts_check", "--user", analyst.username, "--count", stdout=out)
    assert "agree with the records" in out.getvalue()
    first = case_daily.first_day(analyst)
    assert first is not None
    # Every day from the first record to today (the test may run at an instant before END).
    assert CaseDay.objects.filter(day__gte=first).count() >= (timezone.localdate() - first).days + 1
