"""The partnership measures reconcile (issue 11 point 3): on a seeded borough, every table's
total row is the sum of its rows, and every row equals a count made independently, here, from
the records in Python (UK local dates and hours by zoneinfo). Suppression only ever hides."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from nestguard.accounts.models import agency_types
from nestguard.cases.models import Case, CaseStatus
from nestguard.core.calendar import UK
from nestguard.places.models import Address
from nestguard.referrals.models import Referral, ReferralSubject, concern_types
from nestguard.reporting import measures
from nestguard.reporting.registry import ReportRequest, report_spec
from nestguard.reporting.suppression import suppress
from nestguard.reporting.tables import SUPPRESSED, Table

from .conftest import END, START, World

pytestmark = pytest.mark.django_db


def _request(world: World, **kw: Any) -> ReportRequest:
    return ReportRequest(world.users["analyst"], kw.pop("start", START), kw.pop("end", END), **kw)


def _body(table: Table) -> dict[str, Any]:
    """{row label: first count} of the rows above the total."""
    return {str(row[0]): row[1] for row in table.rows[:-1]}


def _in_period(at: datetime | None, start: Any = START, end: Any = END) -> bool:
    return at is not None and start <= at.astimezone(UK).date() <= end


def _referrals(**filters: Any) -> list[Referral]:
    rows = Referral.objects.select_related("referrer_agency", "address").filter(**filters)
    return [r for r in rows if _in_period(r.submitted_at)]


def _zero_filled(labels: list[str], found: Counter[str]) -> dict[str, int]:
    return {label: found.get(label, 0) for label in labels}


def test_every_total_row_is_the_sum_of_its_rows(world: World) -> None:
    report = report_spec("partnership").build(_request(world))
    assert len(report.tables) == 13
    for table in report.tables:
        total = table.rows[-1]
        assert total[0] == "Total", table.name
        for column in table.count_columns():
            assert total[column] == sum(int(row[column] or 0) for row in table.rows[:-1]), (
                table.name
            )


def test_the_referral_tables_reconcile_with_the_referrals(world: World) -> None:
    request = _request(world)
    referrals = _referrals()
    n = len(referrals)
    assert n > 50  # the borough gives the tables something to count
    for measure in (
        measures.referrals_by_source,
        measures.referrals_by_agency_type,
        measures.referrals_by_month,
        measures.referrals_by_weekday,
        measures.referrals_by_hour,
        measures.referral_conversion,
        measures.triage_timeliness,
    ):
        assert measure(request).rows[-1][1] == n, measure.__name__
    assert measures.referrals(request).count() == n

    by_source = Counter(r.referrer_agency.name for r in referrals)
    assert _body(measures.referrals_by_source(request)) == dict(by_source)

    types = agency_types()
    by_type = Counter(types.label(r.referrer_agency.type) for r in referrals)
    assert _body(measures.referrals_by_agency_type(request)) == _zero_filled(
        [c.label for c in types.codes], by_type
    )

    local = [r.submitted_at.astimezone(UK) for r in referrals]
    months = Counter(at.strftime("%B %Y") for at in local)
    assert {k: v for k, v in _body(measures.referrals_by_month(request)).items() if v} == months
    days = Counter(measures.WEEKDAYS[at.weekday()] for at in local)
    assert _body(measures.referrals_by_weekday(request)) == _zero_filled(
        list(measures.WEEKDAYS), days
    )
    hours = Counter(f"{at.hour:02d}:00 to {at.hour:02d}:59" for at in local)
    assert {k: v for k, v in _body(measures.referrals_by_hour(request)).items() if v} == hours

    labels = dict(measures.CONVERSION_ROWS)
    conversion = Counter(labels[r.status] for r in referrals)
    assert _body(measures.referral_conversion(request)) == _zero_filled(
        list(labels.values()), conversion
    )


def test_concerns_count_each_referral_once_per_concern(world: World) -> None:
    request = _request(world)
    referrals = _referrals()
    codes = concern_types()
    found = Counter(codes.label(c) for r in referrals for c in r.concern_types)
    found["No concern type recorded"] = sum(1 for r in referrals if not r.concern_types)
    table = measures.referrals_by_concern(request)
    assert _body(table) == _zero_filled(
        [*(c.label for c in codes.codes), "No concern type recorded"], found
    )
    assert table.rows[-1][1] == sum(max(1, len(r.concern_types)) for r in referrals)


def test_wards_below_the_minimum_are_counted_together(world: World, settings: Any) -> None:
    sizes = Counter(
        Address.objects.filter(in_register=True).exclude(ward="").values_list("ward", flat=True)
    )
    # A minimum between the smallest and the largest ward: some shown, some merged.
    settings.NESTGUARD_REPORT_MIN_WARD_ADDRESSES = int(statistics.median(sizes.values()))
    shown = {w for w, n in sizes.items() if n >= settings.NESTGUARD_REPORT_MIN_WARD_ADDRESSES}
    assert shown and shown != set(sizes)
    referrals = _referrals()
    found: Counter[str] = Counter()
    for r in referrals:
        ward = r.address.ward if r.address else ""
        if ward in shown:
            found[ward] += 1
        elif ward:
            found[measures.OTHER_WARDS] += 1
        else:
            found[measures.NO_WARD] += 1
    table = measures.referrals_by_ward(_request(world))
    assert _body(table) == _zero_filled(
        [*sorted(shown), measures.OTHER_WARDS, measures.NO_WARD], found
    )
    assert table.rows[-1][1] == len(referrals)


def test_the_triage_clock_and_its_median(world: World) -> None:
    now = timezone.now()
    referrals = _referrals()
    found: Counter[str] = Counter()
    seconds: dict[str, list[float]] = {"within": [], "after": []}
    for r in referrals:
        if r.decided_at is not None:
            clock = "within" if r.decided_at <= r.triage_due_at else "after"
            found[clock] += 1
            seconds[clock].append((r.decided_at - r.submitted_at).total_seconds())
        else:
            found["overdue" if r.triage_due_at < now else "waiting"] += 1
    table = measures.triage_timeliness(_request(world))
    assert _body(table) == {label: found[code] for code, label in measures.CLOCK_ROWS}
    assert table.columns[-1].kind == "figure"

    def median(values: list[float]) -> Decimal:
        return (Decimal(statistics.median(values)) / 3600).quantize(Decimal("0.1"))

    # Exactly the median of the records' own times (decision 0096: ordered by the database,
    # the middle values taken from the datetimes), for each clock and for all decided.
    assert seconds["within"] and seconds["after"]
    assert [row[-1] for row in table.rows] == [
        median(seconds["within"]),
        median(seconds["after"]),
        None,
        None,
        median(seconds["within"] + seconds["after"]),
    ]


def test_the_case_tables_reconcile_with_the_cases(world: World) -> None:
    request = _request(world)
    _, end = measures.period_bounds(request)
    cases = list(Case.objects.all())
    open_at_end = [
        c for c in cases if c.opened_at < end and (c.closed_at is None or c.closed_at >= end)
    ]
    bands = Counter(dict(measures.RISK_BANDS).get(c.risk_band, "Not assessed") for c in open_at_end)
    table = measures.open_cases_by_risk(request)
    assert _body(table) == _zero_filled([label for _, label in measures.RISK_BANDS], bands)
    assert table.rows[-1][1] == len(open_at_end) == measures.cases_open_at_end(request).count()

    closed = [c for c in cases if c.status == CaseStatus.CLOSED and _in_period(c.closed_at)]
    assert closed
    labels = dict(measures.outcome_codes())
    outcomes = Counter(labels[o] for c in closed for o in c.outcomes)
    outcomes["No outcome recorded"] = sum(1 for c in closed if not c.outcomes)
    table = measures.closed_case_outcomes(request)
    assert _body(table) == _zero_filled([*labels.values(), "No outcome recorded"], outcomes)
    assert [row[0] for row in table.rows[:6]] == [labels[c] for c in measures.STOCKPORT_OUTCOMES]


def test_repeat_victims_and_addresses(world: World) -> None:
    request = _request(world)
    in_period = {r.pk for r in _referrals()}
    per_person: Counter[Any] = Counter()
    seen = set()
    for subject in ReferralSubject.objects.filter(
        referral_id__in=in_period, role__in=measures.AT_RISK_ROLES, person__isnull=False
    ):
        if (subject.referral_id, subject.person_id) not in seen:
            seen.add((subject.referral_id, subject.person_id))
            per_person[subject.person_id] += 1
    expected = [
        sum(1 for n in per_person.values() if n == 1),
        sum(1 for n in per_person.values() if n == 2),
        sum(1 for n in per_person.values() if n >= 3),
    ]
    table = measures.repeat_victims(request)
    assert [row[1] for row in table.rows] == [*expected, len(per_person)]
    assert expected[1] + expected[2] > 0  # the borough has repeat victims

    per_address = Counter(r.address_id for r in _referrals() if r.address_id)
    table = measures.repeat_addresses(request)
    assert [row[1] for row in table.rows] == [
        sum(1 for n in per_address.values() if n == 1),
        sum(1 for n in per_address.values() if n == 2),
        sum(1 for n in per_address.values() if n >= 3),
        len(per_address),
    ]


def test_suppression_only_ever_hides_and_hides_every_small_count(world: World) -> None:
    report = report_spec("partnership").build(_request(world))
    small = 0
    for table in report.tables:
        shown = suppress(table)
        counts = set(table.count_columns())
        for true_row, shown_row in zip(table.rows, shown.rows, strict=True):
            for i, (true, cell) in enumerate(zip(true_row, shown_row, strict=True)):
                assert cell in (true, SUPPRESSED), (table.name, true_row)
                if cell == SUPPRESSED:
                    assert table.columns[i].kind in ("count", "percent")
                if i in counts and isinstance(true, int) and 0 < true < 5:
                    small += 1
                    assert cell == SUPPRESSED
    assert small > 0  # the borough has small counts, so the check above checked something


def test_uk_local_time_decides_the_day_hour_and_month(world: World) -> None:
    """A referral submitted at 23:30 UTC on Monday 1 June 2026 was submitted at 00:30 BST on
    Tuesday 2 June: it counts in June's second day, on a Tuesday, in the midnight hour."""
    referral = _referrals()[0]
    referral.submitted_at = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    referral.save(update_fields=["submitted_at"])
    june = _request(world, start=datetime(2026, 6, 2).date(), end=datetime(2026, 6, 30).date())
    may = _request(world, start=datetime(2026, 5, 1).date(), end=datetime(2026, 6, 1).date())
    assert measures.referrals(june).filter(pk=referral.pk).exists()
    assert not measures.referrals(may).filter(pk=referral.pk).exists()
    only = measures.referrals(june).filter(pk=referral.pk)
    assert measures.local_hours(only) == {datetime(2026, 6, 2, 0, 0, tzinfo=UK): 1}
    hours = _body(measures.referrals_by_hour(june))
    days = _body(measures.referrals_by_weekday(june))
    in_june = measures.referrals(june)
    midnight = [r for r in in_june if r.submitted_at.astimezone(UK).hour == 0]
    tuesdays = [r for r in in_june if r.submitted_at.astimezone(UK).isoweekday() == 2]
    assert hours["00:00 to 00:59"] == len(midnight) and referral in midnight
    assert days["Tuesday"] == len(tuesdays) and referral in tuesdays
    assert _body(measures.referrals_by_month(june)) == {
        "June 2026": measures.referrals(june).count()
    }


def test_the_nights_the_clocks_change_count_in_uk_local_hours(world: World) -> None:
    """The hours are read from UTC hours (decision 0096): on 25 October 2026 00:30 UTC (01:30
    BST) and 01:30 UTC (01:30 GMT) are both in the UK's 01:00 hour, and 29 March 2026 01:30
    UTC is 02:30 BST (the 01:00 hour does not exist that night)."""
    first, second, spring = _referrals()[:3]
    instants = {
        first: datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        second: datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        spring: datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    }
    for referral, at in instants.items():
        referral.submitted_at = at
        referral.save(update_fields=["submitted_at"])
    october = _request(
        world, start=datetime(2026, 10, 25).date(), end=datetime(2026, 10, 25).date()
    )
    march = _request(world, start=datetime(2026, 3, 29).date(), end=datetime(2026, 3, 29).date())
    for request in (october, march):
        rows = list(measures.referrals(request))
        local = [r.submitted_at.astimezone(UK) for r in rows]
        hours = Counter(f"{at.hour:02d}:00 to {at.hour:02d}:59" for at in local)
        assert {k: v for k, v in _body(measures.referrals_by_hour(request)).items() if v} == hours
        assert _body(measures.referrals_by_weekday(request))["Sunday"] == len(rows)
    assert _body(measures.referrals_by_hour(october))["01:00 to 01:59"] >= 2
    assert _body(measures.referrals_by_hour(march))["01:00 to 01:59"] == 0
    assert _body(measures.referrals_by_hour(march))["02:00 to 02:59"] >= 1


def test_missing_episodes_count_by_the_uk_local_day_they_started(world: World) -> None:
    """The missing episodes report's period is UK midnight to UK midnight (decision 0096): an
    episode that started at 23:30 UTC on 31 May 2026 started at 00:30 BST on 1 June."""
    from nestguard.access.door import counted
    from nestguard.pathways.models import MissingEpisode
    from nestguard.pathways.selectors import missing_report

    episode = MissingEpisode.objects.order_by("pk").first()
    assert episode is not None
    MissingEpisode.objects.filter(pk=episode.pk).update(
        started_at=datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    )
    everyone = counted(world.users["analyst"], MissingEpisode)
    for start, end in (
        (date(2026, 6, 1), date(2026, 6, 30)),
        (date(2026, 5, 1), date(2026, 5, 31)),
    ):
        expected = [e for e in everyone if start <= e.started_at.astimezone(UK).date() <= end]
        assert missing_report(start, end, everyone).episodes == len(expected)
        assert (episode.pk in {e.pk for e in expected}) == (start.month == 6)
