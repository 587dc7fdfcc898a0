"""Reports prepared off the request (decision 0112): one copy in the database for every web
process, exact as of when it was counted; a change of any kind to what reports count (saved,
deleted, bulk-created, updated by a queryset) makes it out of date; with the queue, a page
answers at once ("being prepared", or the older copy with its time) while the job counts; and
a prepared copy is the same report, to the cell, as one counted in the request."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from conftest import sign_in
from nestguard.audit.models import AuditEvent
from nestguard.core.middleware import InFlightMiddleware
from nestguard.jobs import JobProgress
from nestguard.jobs.models import JobRun, JobStatus
from nestguard.jobs.worker import drain
from nestguard.referrals.models import Referral, ReferralStatus
from nestguard.reporting import daily, reading
from nestguard.reporting.dashboard import DASHBOARD
from nestguard.reporting.jobs import default_views, prepare_defaults
from nestguard.reporting.models import CountedChange, PreparedReport
from nestguard.reporting.period import Asked
from nestguard.reporting.registry import report_spec, report_specs

from .conftest import END, START, World

pytestmark = pytest.mark.django_db

ASKED = Asked(START, END)
PAGE = f"/reports/partnership/?from={START.isoformat()}&to={END.isoformat()}"
# A load average (percent of the cores) and a CPU pressure (percent of the time) no machine
# reaches: as if the machine were idle.
IDLE = 1_000_000


def _idle(settings: Any) -> None:
    settings.NESTGUARD_REPORTS_INLINE_LOAD = IDLE
    settings.NESTGUARD_REPORTS_INLINE_PRESSURE = IDLE


def _busy(settings: Any) -> None:
    # Every machine is at or over 0 % of its cores and 0 % of the time waiting.
    settings.NESTGUARD_REPORTS_INLINE_LOAD = 0
    settings.NESTGUARD_REPORTS_INLINE_PRESSURE = 0


def _cheap_partnership_builds(world: World, settings: Any) -> Client:
    """The analyst's client, with the queue on and earlier partnership builds that say a new
    period is cheap enough to count in the request (1 ms)."""
    settings.NESTGUARD_REPORTS_PREPARE = "queue"
    settings.NESTGUARD_REPORTS_INLINE_MS = 100
    client = sign_in(Client(), world.users["analyst"])
    assert b"report-preparing" in client.get(PAGE).content
    assert drain() == 1
    _earlier_builds_cheap()
    return client


def _earlier_builds_cheap() -> None:
    """Every stored partnership build says 1 ms. A build the worker has just made records
    what it really cost, which on a loaded machine (PostgreSQL's builds are timed by the
    wall clock, decision 0129) can be over the budget and would decide the next period."""
    PreparedReport.objects.filter(report=report_spec("partnership").name).update(
        build_seconds=0.001
    )


def _counted_in_the_request(client: Client) -> None:
    """With earlier builds that say it is cheap, on a machine not busy, a new period is counted
    in the request and nothing is queued."""
    _earlier_builds_cheap()
    other = f"/reports/partnership/?from={START.isoformat()}&to=2026-02-28"
    assert b"Referrals by source agency" in client.get(other).content
    assert not JobRun.objects.filter(status=JobStatus.QUEUED).exists()


def _current(world: World, spec: Any = None) -> bool:
    return reading.is_current(world.users["analyst"], spec or report_spec("partnership"), ASKED)


def _decline_one(world: World) -> Referral:
    waiting = (
        reading.counted(world.users["analyst"], Referral)
        .filter(status=ReferralStatus.SUBMITTED, submitted_at__date__gte=START)
        .first()
    )
    assert waiting is not None
    return waiting


def test_one_prepared_copy_serves_every_process_and_every_reporter(world: World) -> None:
    spec = report_spec("partnership")
    first = reading.build_true(world.users["analyst"], spec, ASKED)
    assert PreparedReport.objects.filter(slot=reading.slot(spec, ASKED)).count() == 1
    cache.clear()  # another process: nothing of this one's memory
    again = reading.build_true(world.other_analyst, spec, ASKED)
    assert (again.as_of, again.report, again.current) == (first.as_of, first.report, True)


def test_a_prepared_copy_is_the_report_counted_in_the_request(world: World) -> None:
    """The reconciliation of every table with the records (test_measures, test_outputs) holds
    for the prepared path: its copy is, cell for cell, a fresh count's."""
    analyst = world.users["analyst"]
    for spec in (DASHBOARD, *report_specs()):
        reading.build(analyst, spec, ASKED)
        prepared = reading.build_true(analyst, spec, ASKED)
        assert prepared.current
        assert prepared.report == spec.build(ASKED.request(analyst)), spec.name


def test_a_save_and_a_delete_in_the_same_instant_make_the_copy_out_of_date(world: World) -> None:
    reading.build_true(world.users["analyst"], report_spec("partnership"), ASKED)
    assert _current(world)
    referral = _decline_one(world)
    referral.status, referral.decided_at = ReferralStatus.DECLINED, timezone.now()
    referral.save(update_fields=["status", "decided_at"])  # not even updated_at moves
    assert not _current(world)

    reading.build_true(world.users["analyst"], report_spec("partnership"), ASKED)
    assert _current(world)
    link = referral.subjects.first()
    assert link is not None
    link.delete()  # a link table, with no updated_at at all
    assert not _current(world)


def test_writes_that_send_no_signal_are_noticed(world: World, clock: Any) -> None:
    analyst = world.users["analyst"]
    spec = report_spec("partnership")
    # The package's borough is seeded at the real clock, which may be later than the frozen
    # one: the writes below come after everything already stored, as they would in life.
    newest = Referral.objects.aggregate(at=Max("updated_at"))["at"]
    clock.shift(max(newest - timezone.now(), timedelta(0)) + timedelta(seconds=1))
    reading.build_true(analyst, spec, ASKED)
    clock.shift(timedelta(seconds=1))
    # bulk_create: no signal; its updated_at is newer than the copy's marker.
    template = _decline_one(world)
    copy = Referral.objects.filter(pk=template.pk).values().get()
    copy.pop("id")
    copy.update(reference=f"{template.reference}-B", version=1)
    Referral.objects.bulk_create([Referral(**copy)])
    assert not _current(world)

    reading.build_true(analyst, spec, ASKED)
    clock.shift(timedelta(seconds=1))
    # QuerySet.update that stamps the row, as the services' bulk changes do.
    Referral.objects.filter(pk=template.pk).update(
        status=ReferralStatus.DECLINED, updated_at=timezone.now()
    )
    assert not _current(world)

    before = reading.build_true(analyst, spec, ASKED)
    # QuerySet.update that stamps nothing: not seen by the marker, so a copy is current for
    # CACHE_SECONDS at most (decision 0112 says so), then counted again.
    Referral.objects.filter(pk=template.pk).update(status=ReferralStatus.ACCEPTED)
    assert _current(world)
    clock.shift(timedelta(seconds=reading.CACHE_SECONDS))
    assert not _current(world)
    # Nor by the daily referral counts' fingerprints (decision 0120; no service writes so):
    # the daily check finds the day whose counts differ from the records, and counts it again.
    found = daily.reconcile(analyst)
    assert {m.measure for m in found} == {"status"}
    assert daily.repair(analyst, found) == 1
    after = reading.build_true(analyst, spec, ASKED)
    assert after.report != before.report


def test_with_the_queue_a_page_answers_at_once_and_the_job_counts(
    world: World, settings: Any, clock: Any
) -> None:
    settings.NESTGUARD_REPORTS_PREPARE = "queue"
    analyst = world.users["analyst"]
    client = sign_in(Client(), analyst)
    reads = AuditEvent.objects.filter(action="report.read").count()

    page = client.get(PAGE)
    assert page.status_code == 200
    assert b'data-testid="report-preparing"' in page.content
    assert b"Referrals by source agency" not in page.content  # nothing counted is shown
    assert AuditEvent.objects.filter(action="report.read").count() == reads  # nothing read
    run = JobRun.objects.get(name=reading.PREPARE_JOB)
    assert run.kwargs == {
        "report": "partnership",
        "terms": ASKED.terms(),
        "by": str(analyst.pk),
    }
    client.get(PAGE)  # asked again while waiting: the same run
    assert JobRun.objects.filter(name=reading.PREPARE_JOB).count() == 1

    assert drain() == 1
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED, run.failure_reason
    page = client.get(PAGE)
    assert b"Referrals by source agency" in page.content
    assert b"report-preparing" not in page.content and b"report-older" not in page.content
    assert AuditEvent.objects.filter(action="report.read").count() == reads + 1

    # Something counted changes: the older copy is shown, with its time, while a new one is
    # counted; then the new one.
    clock.shift(timedelta(minutes=1))
    referral = _decline_one(world)
    referral.status, referral.decided_at = ReferralStatus.DECLINED, timezone.now()
    referral.save(update_fields=["status", "decided_at", "updated_at"])
    page = client.get(PAGE)
    assert b'data-testid="report-older"' in page.content
    assert b"Referrals by source agency" in page.content
    assert drain() == 1
    assert _current(world)
    assert b"report-older" not in client.get(PAGE).content

    # The printable page, the files and the API do not wait on the queue: they count now.
    clock.shift(timedelta(seconds=reading.CACHE_SECONDS))
    printable = client.get(PAGE.replace("/partnership/", "/partnership/print/"))
    assert b"Referrals by source agency" in printable.content
    assert JobRun.objects.filter(status=JobStatus.QUEUED).count() == 0


def test_the_dashboard_is_prepared_on_the_queue_too(world: World, settings: Any) -> None:
    settings.NESTGUARD_REPORTS_PREPARE = "queue"
    client = sign_in(Client(), world.users["analyst"])
    url = f"/dashboard/?from={START.isoformat()}&to={END.isoformat()}"
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="report-preparing"' in page.content
    assert not AuditEvent.objects.filter(action="dashboard.read").exists()
    assert drain() == 1
    page = client.get(url)
    assert b"report-preparing" not in page.content
    assert AuditEvent.objects.filter(action="dashboard.read").count() == 1


def test_the_job_counts_nothing_for_someone_who_may_no_longer_report(
    world: World, settings: Any
) -> None:
    settings.NESTGUARD_REPORTS_PREPARE = "queue"
    analyst = world.users["analyst"]
    sign_in(Client(), analyst).get(PAGE)
    analyst.role_grants.all().delete()  # rolled back with the test
    assert drain() == 1
    run = JobRun.objects.get(name=reading.PREPARE_JOB)
    assert run.status == JobStatus.FAILED
    assert "may no longer see it" in run.failure_reason
    assert not PreparedReport.objects.exists()


def test_the_periodic_refresh_counts_again_only_the_defaults_someone_asked_for(
    world: World,
) -> None:
    analyst = world.users["analyst"]
    (dashboard, asked), (report, report_asked), *_ = default_views()
    reading.build(analyst, dashboard, asked)
    stale = reading.slot(dashboard, asked)
    PreparedReport.objects.filter(slot=stale).update(marker="older")
    CountedChange.objects.create()
    CountedChange.objects.create()
    summary = prepare_defaults(JobProgress())
    assert summary.startswith("1 default view(s) counted again")
    assert reading.is_current(analyst, dashboard, asked)
    # A default view nobody asked for is not counted; only the newest change row is kept.
    assert not PreparedReport.objects.filter(slot=reading.slot(report, report_asked)).exists()
    assert CountedChange.objects.count() == 1


def test_a_new_period_is_counted_in_the_request_when_earlier_builds_say_it_is_cheap(
    world: World, settings: Any
) -> None:
    """Decision 0120: with nothing prepared to show, a page counts the report now (figures,
    not "being prepared") when the report's latest builds of periods at least as long took
    at most NESTGUARD_REPORTS_INLINE_MS; otherwise, or with no such builds, it is queued."""
    settings.NESTGUARD_REPORTS_PREPARE = "queue"
    settings.NESTGUARD_REPORTS_INLINE_MS = 100
    _idle(settings)  # decisions 0135, 0139: as on an idle machine
    analyst = world.users["analyst"]
    client = sign_in(Client(), analyst)
    spec = report_spec("partnership")
    shorter = f"/reports/partnership/?from={START.isoformat()}&to=2026-03-31"

    assert b"report-preparing" in client.get(PAGE).content  # no earlier build: queued
    assert drain() == 1
    PreparedReport.objects.filter(report=spec.name).update(build_seconds=0.05)
    assert reading.likely_seconds(spec, Asked(START, END)) == 0.05
    page = client.get(shorter)
    assert b"report-preparing" not in page.content
    assert b"Referrals by source agency" in page.content  # counted in the request
    assert not JobRun.objects.filter(status=JobStatus.QUEUED).exists()

    # Earlier builds that took longer than the budget: the next new period is queued.
    PreparedReport.objects.filter(report=spec.name).update(build_seconds=5.0)
    later = f"/reports/partnership/?from={START.isoformat()}&to=2026-02-28"
    assert b"report-preparing" in client.get(later).content
    # A longer period than any built before is not judged from them: queued.
    PreparedReport.objects.filter(report=spec.name).update(build_seconds=0.01)
    longer = f"/reports/partnership/?from=2024-12-01&to={END.isoformat()}"
    assert b"report-preparing" in client.get(longer).content
    # 0 turns it off.
    settings.NESTGUARD_REPORTS_INLINE_MS = 0
    assert (
        b"report-preparing"
        in client.get(f"/reports/partnership/?from={START.isoformat()}&to=2026-01-31").content
    )


def test_a_cheap_new_period_is_queued_while_the_machine_is_busy(
    world: World, settings: Any
) -> None:
    """Decision 0135: a new period that earlier builds say is cheap is counted in the request
    only while the machine is not busy (decision 0139: its CPU pressure, or where the kernel
    reports none its load average, under the settings' figures); busy, the page answers
    "being prepared", queues the build and reads nothing, and the worker's copy is then
    shown, as for a dear report."""
    client = _cheap_partnership_builds(world, settings)
    shorter = f"/reports/partnership/?from={START.isoformat()}&to=2026-03-31"
    reads = AuditEvent.objects.filter(action="report.read").count()

    _busy(settings)
    assert reading.machine_busy()
    assert b"report-preparing" in client.get(shorter).content
    assert JobRun.objects.filter(status=JobStatus.QUEUED).count() == 1
    assert AuditEvent.objects.filter(action="report.read").count() == reads
    assert drain() == 1
    page = client.get(shorter)
    assert b"report-preparing" not in page.content
    assert b"Referrals by source agency" in page.content

    # The same, idle: counted in the request, nothing queued.
    _idle(settings)
    assert not reading.machine_busy()
    _counted_in_the_request(client)


def test_a_cheap_new_period_is_queued_while_this_process_serves_another_request(
    world: World, settings: Any
) -> None:
    """Decision 0139: busy at once, without waiting for the load average, while this process
    serves another request beside the asking one (a threaded server), even on an idle
    machine; counted in the request again once that request has been answered."""
    client = _cheap_partnership_builds(world, settings)
    _idle(settings)

    entered, release = threading.Event(), threading.Event()

    def slow_view(request: HttpRequest) -> HttpResponse:
        entered.set()
        release.wait(timeout=30)
        return HttpResponse("done")

    beside = threading.Thread(
        target=InFlightMiddleware(slow_view), args=(RequestFactory().get("/elsewhere/"),)
    )
    beside.start()
    try:
        assert entered.wait(timeout=30)
        shorter = f"/reports/partnership/?from={START.isoformat()}&to=2026-03-31"
        assert b"report-preparing" in client.get(shorter).content
        assert JobRun.objects.filter(status=JobStatus.QUEUED).count() == 1
    finally:
        release.set()
        beside.join(timeout=30)
    assert drain() == 1

    # Nothing else being served: counted in the request, nothing queued.
    _counted_in_the_request(client)


def test_the_kernels_cpu_pressure_decides_where_it_is_reported(
    settings: Any, tmp_path: Path
) -> None:
    """Decision 0139: where the kernel reports CPU pressure ("some avg10": the percentage of
    the last 10 seconds in which some task waited for a CPU), it decides, at or over
    NESTGUARD_REPORTS_INLINE_PRESSURE; where it cannot be read, the load average decides."""
    pressure = tmp_path / "cpu"
    pressure.write_text(
        "some avg10=12.50 avg60=3.10 avg300=0.80 total=123456\n"
        "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
    )
    settings.NESTGUARD_REPORTS_PRESSURE_FILE = str(pressure)
    settings.NESTGUARD_REPORTS_INLINE_LOAD = 0  # the load average would say busy
    assert reading.cpu_pressure() == 12.5
    settings.NESTGUARD_REPORTS_INLINE_PRESSURE = 13
    assert not reading.machine_busy()
    settings.NESTGUARD_REPORTS_INLINE_PRESSURE = 12
    assert reading.machine_busy()

    settings.NESTGUARD_REPORTS_INLINE_LOAD = IDLE  # the load average would say idle
    pressure.write_text("some avg10=40.00 avg60=9.00 avg300=2.00 total=999999\n")
    settings.NESTGUARD_REPORTS_INLINE_PRESSURE = 10
    assert reading.machine_busy()

    # Not reported (no such file, or not the kernel's format): the load average decides.
    for unreadable in (tmp_path / "missing", tmp_path):
        settings.NESTGUARD_REPORTS_PRESSURE_FILE = str(unreadable)
        assert reading.cpu_pressure() is None
        settings.NESTGUARD_REPORTS_INLINE_LOAD = 0
        assert reading.machine_busy()
        settings.NESTGUARD_REPORTS_INLINE_LOAD = IDLE
        assert not reading.machine_busy()
    pressure.write_text("full avg10=50.00 avg60=0.00 avg300=0.00 total=1\n")
    settings.NESTGUARD_REPORTS_PRESSURE_FILE = str(pressure)
    assert reading.cpu_pressure() is None


def test_the_kernels_own_cpu_pressure_is_read_where_it_has_one(settings: Any) -> None:
    settings.NESTGUARD_REPORTS_PRESSURE_FILE = "/proc/pressure/cpu"
    if not os.access("/proc/pressure/cpu", os.R_OK):
        pytest.skip("this kernel reports no CPU pressure")
    waiting = reading.cpu_pressure()
    assert waiting is not None and 0 <= waiting <= 100


def test_the_marker_compiled_once_is_the_marker_the_door_builds(world: World) -> None:
    """Decision 0135: for a user who may report, the marker's statement is compiled once per
    process; it reads what the statement built through the door reads, before and after a
    change, and anyone else's marker is still built through the door for them."""
    analyst = world.users["analyst"]

    def through_door(user: Any) -> str:
        reading._marker_statements.clear()
        row = next(iter(reading._marker_query(user)), None)
        assert row is not None
        return f"{row['id']}|" + "|".join(
            reading._stamp(row[f"at{i}"]) for i in range(len(reading._MARKERS))
        )

    CountedChange.objects.create()
    first = reading.last_change(analyst)
    assert reading._marker_statements  # compiled and kept
    assert reading.last_change(world.other_analyst) == first  # the same for every reporter
    assert through_door(analyst) == first
    referral = _decline_one(world)
    referral.status, referral.decided_at = ReferralStatus.DECLINED, timezone.now()
    referral.save()
    reading.last_change(analyst)  # compiles it again
    second = reading.last_change(analyst)
    assert second != first and through_door(analyst) == second
    # Someone who may not report counts nothing: no stamp at all, whatever is stored.
    outsider = world.users["caseworker"]
    assert reading.last_change(outsider).split("|")[1:] == ["-"] * len(reading._MARKERS)
