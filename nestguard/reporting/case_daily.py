"""The daily pre-aggregate of case counts (decision 0125), beside the referrals' (decision
0120, `daily`): the case tables and headline figures of the dashboard, the partnership report
and the project evaluation as sums over UK local days.

Two kinds of day: the day a case was opened and the day its `closed_at` falls on. Cases
opened in a period and cases closed in it are sums over the period's days. Cases open at the
end of a period (opened before its end, not closed by then) are a running total: the cases
opened before the end that were open for some time (not closed before they were opened),
less those of them closed before the end, each by its risk band. A running total reads every
day from the first case to the end of the period: about a thousand days of four bands, one
SUM.

Self-checking as `daily` is: beside each day `CaseDay` keeps the fingerprints of the cases
opened that day and of those closed that day when they were counted (how many, the newest
`updated_at`) and the basis (the outcome and resolution codes and the tenancy saved rule).
Before reading, `current_days` compares them with the live ones (one index aggregate each for
the whole span; the days one by one only when that differs) and counts again every day that
differs. A save or delete of a case also drops its days (`reading.changed`). What it cannot
notice is a `QuerySet.update` that changes a counted field and stamps nothing.

Only where `daily.usable` says so: unfiltered, for a user who may report.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from nestguard.access.door import counted
from nestguard.cases.models import Case, CaseStatus, outcomes, resolutions
from nestguard.core.calendar import UK
from nestguard.reporting.costs import tenancy_saved_rule
from nestguard.reporting.daily import (
    Mismatch,
    UtcDay,
    _days,
    _local_day,
    _midnight,
    replace_counts,
    replace_day_rows,
)
from nestguard.reporting.models import CaseDay, CaseDayCount, CaseDayPerson
from nestguard.reporting.registry import ReportRequest

# Measures by the day a case was opened, and by the day it was closed.
BY_OPENED = ("opened", "open_band")
BY_CLOSED = ("ended_band", "closed", "outcome")
# The running totals (cases open at the end of a period) read every day up to the end.
RUNNING = ("open_band", "ended_band")
MOVED = Q(outcomes__icontains='"moved"')
# The concerns whose opened cases are counted by day ("concern" measure) and whose people at
# risk each day keeps (the county lines review's CSE and CCE table).
EXPLOITATION = ("cse", "cce")
# The people a day of opened cases keeps (decision 0133): measure -> the roles it names.
SUSPECT_ROLES = ("suspected_exploiter",)
# What a stored day holds, part of its basis: a day counted before the concerns and people
# were kept is counted again before it is read (never read empty).
HOLDS = "counts+concerns+people"

Fingerprint = tuple[int, datetime | None]
Cells = dict[date, dict[tuple[str, str], int]]


def closed_flags() -> dict[str, Q]:
    """The counts of closed cases the project evaluation's headline reads (decision 0092):
    positively resolved and not moved, moved (whatever the resolution), tenancies saved."""
    resolved = Q(resolution=resolutions().get("positively_resolved").code)
    return {
        "positively_resolved": resolved & ~MOVED,
        "moved": MOVED,
        "tenancies_saved": tenancy_saved_rule().q(),
    }


def outcome_codes() -> list[str]:
    return list(outcomes().values)


def basis() -> str:
    """What the day counts depend on beyond the cases: the outcome and resolution code lists
    and the tenancy saved rule (their codes are matched when the days are counted)."""
    rule = tenancy_saved_rule()
    raw = json.dumps(
        [
            outcome_codes(),
            resolutions().get("positively_resolved").code,
            [rule.resolution, rule.counting, rule.excluding],
            HOLDS,
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _between(rows: QuerySet[Case], stamp: str, start: date, end: date) -> QuerySet[Case]:
    return rows.filter(
        **{f"{stamp}__gte": _midnight(start), f"{stamp}__lt": _midnight(end + timedelta(days=1))}
    )


def _fingerprints(user: Any, stamp: str, start: date, end: date) -> dict[date, Fingerprint]:
    """{UK local day: (cases whose `stamp` falls on it, newest updated_at)}: one GROUP BY."""
    found: dict[date, Fingerprint] = {}
    rows = (
        _between(counted(user, Case), stamp, start, end)
        .order_by()
        .annotate(d=UtcDay(stamp))
        .values("d")
        .annotate(n=Count("*"), newest=Max("updated_at"))
    )
    for row in rows:
        day = _local_day(row["d"])
        n, newest = found.get(day, (0, None))
        found[day] = (n + row["n"], max(x for x in (newest, row["newest"]) if x is not None))
    return found


def _whole(user: Any, stamp: str, start: date, end: date) -> Fingerprint:
    found = (
        _between(counted(user, Case), stamp, start, end)
        .order_by()
        .aggregate(n=Count("*"), newest=Max("updated_at"))
    )
    return found["n"], found["newest"]


def first_day(user: Any) -> date | None:
    """The UK local day of the earliest case opened or closed: where running totals start."""
    cases = counted(user, Case).order_by()
    # Two queries, one index each: SQLite reads the whole table for two MINs in one.
    found = [cases.aggregate(at=Min(stamp))["at"] for stamp in ("opened_at", "closed_at")]
    stamps = [at for at in found if at is not None]
    return min(stamps).astimezone(UK).date() if stamps else None


def current_days(user: Any, start: date, end: date) -> int:
    """Make the days `start` to `end` current (count again those whose fingerprints or basis
    differ from the live ones); how many were counted again. Fingerprints are read before the
    counts, so a change made meanwhile leaves its day stale for next time."""
    now_basis = basis()
    stored: dict[date, dict[str, Any]] = {
        row["day"]: dict(row)
        for row in CaseDay.objects.filter(day__range=(start, end)).values(
            "day", "opened", "opened_newest", "closed", "closed_newest", "basis"
        )
    }
    days = _days(start, end)
    if len(stored) == len(days) and all(r["basis"] == now_basis for r in stored.values()):
        same = True
        for stamp, n_key, newest_key in (
            ("opened_at", "opened", "opened_newest"),
            ("closed_at", "closed", "closed_newest"),
        ):
            n, newest = _whole(user, stamp, start, end)
            kept = max((r[newest_key] for r in stored.values() if r[newest_key]), default=None)
            same = same and n == sum(r[n_key] for r in stored.values()) and newest == kept
        if same:
            return 0
    opened = _fingerprints(user, "opened_at", start, end)
    closed = _fingerprints(user, "closed_at", start, end)
    stale = [
        day
        for day in days
        if day not in stored
        or stored[day]["basis"] != now_basis
        or (stored[day]["opened"], stored[day]["opened_newest"]) != opened.get(day, (0, None))
        or (stored[day]["closed"], stored[day]["closed_newest"]) != closed.get(day, (0, None))
    ]
    if stale:
        # One span from the first stale day to the last: the same queries however many days.
        count_days(user, stale[0], stale[-1], now_basis, (opened, closed))
    return len(stale)


def day_counts(user: Any, start: date, end: date) -> Cells:
    """{UK local day: {(measure, value): count}} of the cases opened or closed on the days
    `start` to `end`, counted from the records: three GROUP BYs."""
    found: Cells = defaultdict(lambda: defaultdict(int))

    def add(day: date, measure: str, value: Any, n: int) -> None:
        if n:
            found[day][(measure, "" if value is None else str(value))] += n

    cases = counted(user, Case).order_by()
    band = Coalesce("risk_band", Value(""))
    was_open = Q(closed_at__isnull=True) | Q(closed_at__gte=F("opened_at"))
    # Any: the stubs cannot type the annotations named in a comprehension.
    opened: Any = (
        _between(cases, "opened_at", start, end)
        .annotate(d=UtcDay("opened_at"), k=band)
        .values("d", "k")
        .annotate(
            n=Count("*"),
            open=Count("pk", filter=was_open),
            **{f"c_{code}": Count("pk", filter=concern(code)) for code in EXPLOITATION},
        )
    )
    for row in opened:
        day = _local_day(row["d"])
        add(day, "opened", "", row["n"])
        add(day, "open_band", row["k"], row["open"])
        for code in EXPLOITATION:
            add(day, "concern", code, row[f"c_{code}"])
    closing = _between(cases, "closed_at", start, end).annotate(d=UtcDay("closed_at"))
    ended = (
        closing.filter(closed_at__gte=F("opened_at"))
        .annotate(k=band)
        .values("d", "k")
        .annotate(n=Count("*"))
    )
    for ended_row in ended:
        add(_local_day(ended_row["d"]), "ended_band", ended_row["k"], ended_row["n"])
    # As `measures._coded`: a case counts under each outcome its list holds, or "" for none.
    codes = outcome_codes()
    flags = closed_flags()
    coded: Any = (
        closing.filter(status=CaseStatus.CLOSED)
        .values("d")
        .annotate(
            c_all=Count("*"),
            **{f"f_{name}": Count("pk", filter=q) for name, q in flags.items()},
            **{
                f"o_{i}": Count("pk", filter=Q(outcomes__icontains=f'"{code}"'))
                for i, code in enumerate(codes)
            },
            o_none=Count("pk", filter=Q(outcomes=[])),
        )
    )
    for row in coded:
        day = _local_day(row["d"])
        add(day, "closed", "all", row["c_all"])
        for name in flags:
            add(day, "closed", name, row[f"f_{name}"])
        for i, code in enumerate(codes):
            add(day, "outcome", code, row[f"o_{i}"])
        add(day, "outcome", "", row["o_none"])
    return found


def concern(code: str) -> Q:
    """A case that carries the concern (as the county lines review filters them live)."""
    return Q(concern_types__icontains=f'"{code}"')


def day_people(user: Any, start: date, end: date) -> Cells:
    """{UK local day: {(measure, person id): n}}: the people named on the cases opened on the
    days `start` to `end`, from the records, and on how many of the day's cases; measures as
    `CaseDayPerson`. Two GROUP BYs, however many days."""
    from nestguard.reporting.measures import AT_RISK_ROLES

    found: Cells = defaultdict(lambda: defaultdict(int))
    opened = _between(counted(user, Case), "opened_at", start, end).order_by()
    opened = opened.annotate(d=UtcDay("opened_at"))
    # A person may hold two roles of a group on one case (victim and person at risk): the
    # case counts once for them, as the live counts' DISTINCT does.
    at_risk: Any = (
        opened.filter(subjects__role__in=AT_RISK_ROLES)
        .values("d", k=F("subjects__person"))
        .annotate(
            n=Count("pk", distinct=True),
            **{code: Count("pk", distinct=True, filter=concern(code)) for code in EXPLOITATION},
        )
    )
    for row in at_risk:
        cells = found[_local_day(row["d"])]
        for measure, n in (("at_risk", row["n"]), *((c, row[c]) for c in EXPLOITATION)):
            if n:
                cells[(measure, str(row["k"]))] += n
    suspects = (
        opened.filter(subjects__role__in=SUSPECT_ROLES)
        .values("d", k=F("subjects__person"))
        .annotate(n=Count("pk", distinct=True))
    )
    for row in suspects:
        found[_local_day(row["d"])][("suspect", str(row["k"]))] += row["n"]
    return found


def replace_people(cursor: Any, start: date, end: date, people: Cells) -> None:
    """Put the days' people (`day_people`) in place of those stored for `start` to `end`,
    inside the caller's transaction (`daily.replace_day_rows`)."""
    ops = connection.ops
    table = CaseDayPerson._meta.db_table
    person = CaseDayPerson._meta.get_field("person").target_field
    span = [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)]
    rows = [
        (
            ops.adapt_datefield_value(day),
            measure,
            person.get_db_prep_value(uuid.UUID(key), connection),
            n,
        )
        for day, cells in people.items()
        for (measure, key), n in cells.items()
    ]
    replace_day_rows(cursor, table, "day, measure, person_id, n", span, rows)


def stored_people(start: date, end: date) -> Cells:
    found: Cells = defaultdict(lambda: defaultdict(int))
    rows = CaseDayPerson.objects.filter(day__range=(start, end))
    for day, measure, key, n in rows.values_list("day", "measure", "person_id", "n"):
        found[day][(measure, str(key))] += n
    return found


def count_days(
    user: Any,
    start: date,
    end: date,
    now_basis: str | None = None,
    fingerprints: tuple[dict[date, Fingerprint], dict[date, Fingerprint]] | None = None,
) -> None:
    """Count the days `start` to `end` from the records and store them with their
    fingerprints (read first, when not given) in one transaction."""
    now_basis = basis() if now_basis is None else now_basis
    opened, closed = fingerprints or (
        _fingerprints(user, "opened_at", start, end),
        _fingerprints(user, "closed_at", start, end),
    )
    counts = day_counts(user, start, end)
    people = day_people(user, start, end)
    ops, now = connection.ops, timezone.now()
    days = [
        (
            ops.adapt_datefield_value(day),
            opened.get(day, (0, None))[0],
            ops.adapt_datetimefield_value(opened.get(day, (0, None))[1]),
            closed.get(day, (0, None))[0],
            ops.adapt_datetimefield_value(closed.get(day, (0, None))[1]),
            now_basis,
            ops.adapt_datetimefield_value(now),
        )
        for day in _days(start, end)
    ]
    day_table = CaseDay._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # One statement each, however many days (as `daily.count_days`, and for its reasons).
        cursor.executemany(
            f"INSERT INTO {day_table} (day, opened, opened_newest, closed, closed_newest,"  # noqa: S608
            " basis, counted_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (day) DO UPDATE"
            " SET opened = excluded.opened, opened_newest = excluded.opened_newest,"
            " closed = excluded.closed, closed_newest = excluded.closed_newest,"
            " basis = excluded.basis, counted_at = excluded.counted_at",
            days,
        )
        replace_counts(cursor, CaseDayCount._meta.db_table, start, end, counts)
        replace_people(cursor, start, end, people)


@dataclass
class CaseSums:
    """A period's case counts read from the pre-aggregate."""

    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # measure -> value -> n

    def of(self, measure: str) -> dict[str, int]:
        return self.totals.get(measure, {})

    def open_at_end(self) -> dict[str, int]:
        """Cases open at the end of the period by risk band ("" not assessed)."""
        ended = self.of("ended_band")
        return {band: n - ended.get(band, 0) for band, n in self.of("open_band").items()}


def sums(request: ReportRequest) -> CaseSums:
    """The period's sums (and the running totals to its end), made current first; read once
    per build (`request.memo`)."""
    if "case_daily" not in request.memo:
        found = CaseSums()
        first = first_day(request.user)
        if first is not None:
            marker = request.memo.get("marker")
            _make_current(request.user, min(first, request.start), request.end, marker)
            held = CaseDayCount.objects.values("measure", "value").annotate(n=Sum("n"))
            period = held.filter(day__range=(request.start, request.end)).exclude(
                measure__in=RUNNING
            )
            running = held.filter(day__lte=request.end, measure__in=RUNNING)
            for row in (*period, *running):
                found.totals.setdefault(row["measure"], {})[row["value"]] = row["n"]
        request.memo["case_daily"] = found
    result: CaseSums = request.memo["case_daily"]
    return result


def _period_current(request: ReportRequest) -> None:
    """Make the period's days current once per build: only its days, not the running
    totals' span that `sums` reads (cases open at the end)."""
    if "case_daily" not in request.memo and "case_period" not in request.memo:
        _make_current(request.user, request.start, request.end, request.memo.get("marker"))
        request.memo["case_period"] = True


def period_sums(request: ReportRequest, measure: str) -> dict[str, int]:
    """{value: n} of one by-day measure over the period ("concern"), made current first:
    one SUM over its days, none of the running totals."""
    _period_current(request)
    rows = CaseDayCount.objects.filter(measure=measure, day__range=(request.start, request.end))
    return dict(rows.order_by().values_list("value").annotate(n=Sum("n")))


def people(request: ReportRequest, measure: str) -> QuerySet[CaseDayPerson]:
    """The period's days' people of `measure` (a row per day and person: group or count them
    distinct), made current first."""
    _period_current(request)
    return CaseDayPerson.objects.filter(
        measure=measure, day__range=(request.start, request.end)
    ).order_by()


# How long days found current stay trusted while nothing counted changes (decision 0112's
# bound on a prepared copy: a change that stamps no newer time is seen within it).
TRUSTED_SECONDS = 600


def _make_current(user: Any, start: date, end: date, marker: str | None = None) -> None:
    """`current_days` for the running totals' span (every day since the first case), skipped
    when the same span was found current while nothing counted has changed since
    (`reading.last_change`, the prepared copies' marker: a save or delete of a case, or a
    newer stamp, moves it; a build passes the marker it read first, `request.memo`). The
    check reads every case's index entry (about 40 ms at scale 160); the marker is seven
    index lookups."""
    from nestguard.reporting.reading import last_change

    marker = last_change(user) if marker is None else marker
    key = (
        "reporting:case_days_current:"
        + hashlib.sha256(f"{start}|{end}|{marker}".encode()).hexdigest()
    )
    if cache.get(key):
        return
    current_days(user, start, end)
    cache.set(key, True, TRUSTED_SECONDS)


def check(user: Any, start: date, end: date) -> list[Mismatch]:
    """Every stored count of the days `start` to `end` compared with a count from the records
    now: the cells that differ (as `daily.check`)."""
    live = day_counts(user, start, end)
    for day, cells in day_people(user, start, end).items():
        live[day].update(cells)
    stored: Cells = defaultdict(lambda: defaultdict(int))
    for row in CaseDayCount.objects.filter(day__range=(start, end)).values(
        "day", "measure", "value", "n"
    ):
        stored[row["day"]][(row["measure"], row["value"])] = row["n"]
    for day, cells in stored_people(start, end).items():
        stored[day].update(cells)
    found = []
    for day in _days(start, end):
        for cell in sorted(set(live.get(day, {})) | set(stored.get(day, {}))):
            was, now = stored.get(day, {}).get(cell, 0), live.get(day, {}).get(cell, 0)
            if was != now:
                found.append(Mismatch(day, cell[0], cell[1], was, now))
    return found


def reconcile(user: Any) -> list[Mismatch]:
    """`check` over the days held, skipping those changed since they were counted (a build
    counts them again before reading them): what is left would be read wrong."""
    held = CaseDay.objects.aggregate(first=Min("day"), last=Max("day"))
    if held["first"] is None:
        return []
    span = (held["first"], held["last"])
    opened = _fingerprints(user, "opened_at", *span)
    closed = _fingerprints(user, "closed_at", *span)
    unchanged = {
        row["day"]
        for row in CaseDay.objects.filter(day__range=span, basis=basis()).values(
            "day", "opened", "opened_newest", "closed", "closed_newest"
        )
        if (row["opened"], row["opened_newest"]) == opened.get(row["day"], (0, None))
        and (row["closed"], row["closed_newest"]) == closed.get(row["day"], (0, None))
    }
    return [m for m in check(user, *span) if m.day in unchanged]


def forget(case: Case | None) -> None:
    """A case was saved or deleted: the days it was opened and closed on are counted again
    before they are next read (catches a change whose stamp is not the newest of its day)."""
    stamps = [getattr(case, name, None) for name in ("opened_at", "closed_at")]
    days = [timezone.localtime(at, UK).date() for at in stamps if at is not None]
    if days:
        CaseDay.objects.filter(day__in=days).delete()


def forget_subject(subject: Any) -> None:
    """A person was named on a case, or no longer is: the case's days keep its people
    (decision 0133), so they are counted again before they are next read. (Links written in
    bulk send no signal: `cases.services` stamps their case, which its day's fingerprint
    notices.)"""
    case_id = getattr(subject, "case_id", None)
    if case_id is None:
        return
    found = Case.objects.filter(pk=case_id).values("opened_at", "closed_at").first()
    if found is not None:
        forget(Case(**found))


def fill(user: Any) -> int:
    """Count every day from the first case to today (a new or restored database: `seed_demo`,
    `report_counts_check --count`); how many days."""
    start = first_day(user)
    if start is None:
        return 0
    end = max(start, timezone.localdate(timezone=UK))
    count_days(user, start, end)
    return (end - start).days + 1


def repair(user: Any, found: list[Mismatch]) -> int:
    """Count again the days of `found` (from `reconcile`); how many."""
    days = sorted({m.day for m in found})
    for day in days:
        count_days(user, day, day)
    return len(days)
