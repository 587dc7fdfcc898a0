"""The daily pre-aggregate of referral counts (decision 0120) reconciles with the records: every
table a build reads from it equals the same table counted live from the referrals, for several
periods (a year, a quarter, four weeks across the clocks going back, a single month), after
changes that send no signal, and the check finds a count that differs from the records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from nestguard.places.models import Address
from nestguard.referrals.models import Referral, ReferralStatus
from nestguard.reporting import daily, measures
from nestguard.reporting.dashboard import DASHBOARD
from nestguard.reporting.models import ReferralDay, ReferralDayCount
from nestguard.reporting.registry import ReportRequest, report_spec

from .conftest import END, PERIODS, START, World

pytestmark = pytest.mark.django_db

ADDITIVE = (
    measures.referrals_by_source,
    measures.referrals_by_agency_type,
    measures.referrals_by_concern,
    measures.referrals_by_ward,
    measures.referrals_by_month,
    measures.referrals_by_weekday,
    measures.referrals_by_hour,
    measures.referral_conversion,
    measures.triage_timeliness,
)


def _tables(user: Any, start: date, end: date, *, aggregate: bool) -> list[Any]:
    with override_settings(NESTGUARD_REPORTS_DAILY=aggregate):
        request = ReportRequest(user, start, end)
        assert daily.usable(request) is aggregate
        return [measure(request) for measure in ADDITIVE]


def _agree(user: Any, start: date = START, end: date = END) -> None:
    assert _tables(user, start, end, aggregate=True) == _tables(user, start, end, aggregate=False)


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_tables_from_the_aggregate_equal_a_count_of_the_records(
    world: World, start: date, end: date
) -> None:
    ReferralDay.objects.all().delete()
    analyst = world.users["analyst"]
    _agree(analyst, start, end)  # counted into the aggregate, then read from it
    assert ReferralDay.objects.filter(day__range=(start, end)).count() == (end - start).days + 1
    assert daily.current_days(analyst, start, end) == 0  # nothing changed: nothing counted
    _agree(analyst, start, end)  # read from the stored days alone
    assert daily.check(analyst, start, end) == []


def test_whole_reports_from_the_aggregate_equal_live_builds(world: World) -> None:
    analyst = world.users["analyst"]
    for spec in (DASHBOARD, report_spec("partnership"), report_spec("project_evaluation")):
        built = []
        for aggregate in (True, False):
            with override_settings(NESTGUARD_REPORTS_DAILY=aggregate):
                built.append(spec.build(ReportRequest(analyst, START, END)))
        assert built[0] == built[1], spec.name


def test_changes_that_send_no_signal_are_counted_again(world: World) -> None:
    """A `QuerySet.update` that stamps `updated_at` (a triage decision, a move to another day)
    and an address moved to another ward by the register's bulk load: the days' fingerprints
    or the basis differ, the days are counted again, the tables still agree."""
    analyst = world.users["analyst"]
    _agree(analyst)
    period = measures.referrals(ReportRequest(analyst, START, END))
    # A save stamps the time it is made, newer than every earlier stamp (the seeded stamps
    # may be later than the tests' frozen clock).
    newest = Referral.objects.aggregate(at=Max("updated_at"))["at"]
    now = max(timezone.now(), newest + timedelta(minutes=1))
    first = period.filter(decided_at__isnull=True).order_by("submitted_at").first()
    assert first is not None
    Referral.objects.filter(pk=first.pk).update(
        status=ReferralStatus.DECLINED, decided_at=now, updated_at=now + timedelta(seconds=1)
    )
    moved = period.order_by("-submitted_at").first()
    assert moved is not None and moved.submitted_at is not None
    Referral.objects.filter(pk=moved.pk).update(
        submitted_at=moved.submitted_at - timedelta(days=40),
        updated_at=now + timedelta(seconds=2),
    )
    _agree(analyst)
    address = (
        period.filter(address__ward__gt="", address__in_register=True)
        .values_list("address_id", flat=True)
        .first()
    )
    wards = sorted(set(Address.objects.exclude(ward="").values_list("ward", flat=True)))
    current = Address.objects.get(pk=address).ward
    Address.objects.filter(pk=address).update(
        ward=next(w for w in wards if w != current), updated_at=now + timedelta(seconds=3)
    )
    _agree(analyst)
    assert daily.check(analyst, START, END) == []


def test_a_deleted_referral_leaves_its_day(world: World) -> None:
    analyst = world.users["analyst"]
    _agree(analyst)
    gone = measures.referrals(ReportRequest(analyst, START, END)).order_by("submitted_at").first()
    assert gone is not None
    # Taken back to a draft by an update that sends no signal and stamps nothing newer: the
    # day's count differs from its fingerprint.
    Referral.objects.filter(pk=gone.pk).update(submitted_at=None)
    _agree(analyst)


def test_the_check_reports_a_count_that_differs_from_the_records(world: World) -> None:
    analyst = world.users["analyst"]
    _agree(analyst)
    cell = ReferralDayCount.objects.filter(day__range=(START, END), measure="ward").first()
    assert cell is not None
    ReferralDayCount.objects.filter(pk=cell.pk).update(n=cell.n + 1)
    found = daily.check(analyst, START, END)
    assert [(m.day, m.measure, m.value, m.stored, m.counted) for m in found] == [
        (cell.day, "ward", cell.value, cell.n + 1, cell.n)
    ]
    daily.count_days(analyst, cell.day, cell.day)
    assert daily.check(analyst, START, END) == []


def test_a_filtered_view_or_a_user_who_may_not_report_counts_live(world: World) -> None:
    analyst, caseworker = world.users["analyst"], world.users["caseworker"]
    assert not daily.usable(ReportRequest(analyst, START, END, ward="Redwater"))
    assert not daily.usable(ReportRequest(analyst, START, END, agency_id=analyst.agency_id))
    assert not daily.usable(ReportRequest(caseworker, START, END))
    ReferralDay.objects.all().delete()
    measures.referrals_by_source(ReportRequest(caseworker, START, END))
    assert not ReferralDay.objects.exists()


def test_the_command_and_the_job_report_a_mismatch(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    from nestguard.jobs import JobFailed, JobProgress
    from nestguard.reporting.jobs import check_daily_counts
    from nestguard.reporting.period import Asked
    from nestguard.reporting.reading import build

    analyst = world.users["analyst"]
    out = StringIO()
    call_command(
        "report_counts_check", "--user", analyst.username, "--count",
        "--from", str(START), "--to", str(END), stdout=out,
    )  # fmt: skip
    assert "agree with the records" in out.getvalue()
    build(analyst, report_spec("partnership"), Asked(START, END))  # someone who may report
    assert "agree" in check_daily_counts(JobProgress())
    cell = ReferralDayCount.objects.filter(measure="status").first()
    assert cell is not None
    ReferralDayCount.objects.filter(pk=cell.pk).update(n=cell.n + 2)
    with pytest.raises(CommandError, match="1 daily count"):
        call_command("report_counts_check", "--user", analyst.username)
    with pytest.raises(JobFailed, match="differ from the records"):
        check_daily_counts(JobProgress())


def test_the_job_counts_a_mismatched_day_again(world: World) -> None:
    from nestguard.jobs import JobFailed, JobProgress
    from nestguard.reporting.jobs import check_daily_counts
    from nestguard.reporting.period import Asked
    from nestguard.reporting.reading import build

    analyst = world.users["analyst"]
    build(analyst, report_spec("partnership"), Asked(START, END))
    cell = ReferralDayCount.objects.filter(day__range=(START, END), measure="hour").first()
    assert cell is not None
    ReferralDayCount.objects.filter(pk=cell.pk).update(n=cell.n + 1)
    with pytest.raises(JobFailed, match="1 day"):
        check_daily_counts(JobProgress())
    assert daily.reconcile(analyst) == []
