"""The daily pre-aggregate of referral counts (decision 0120, the design of decision 0096).

The additive referral tables (by source agency, agency type, concern, ward, month, weekday,
hour, triage outcome, and the decided rows of the triage clock) are sums over UK local days,
since a report's period is whole UK local days. `ReferralDayCount` keeps each day's counts;
a build reads the period's sums from it (a few hundred rows) instead of grouping every
referral of the period again.

It is self-checking, never trusted: beside each day `ReferralDay` keeps the fingerprint of the
day's referrals when they were counted (how many, the newest `updated_at`) and the basis the
counts depend on beyond the referrals (the register's newest change, which can move an
address to another ward; the concern code list). Before reading a period, `current_days`
compares the stored fingerprints with the live ones (one index aggregate for the whole period;
the days one by one only when that differs) and counts again every day that differs, so a
write that sent no signal (a bulk load, a `QuerySet.update` that stamps `updated_at`, a
delete) is noticed like any other. What it cannot notice is what the prepared copies cannot
either (decision 0112): an update that stamps nothing and leaves the count alone.

Only for a user who may report and an unfiltered view: the reporting scope is all or nothing,
so the counts are the same for every such user; a ward or agency filter counts live.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case as Switch
from django.db.models import CharField, Count, F, Func, Max, Min, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from nestguard.access import rules
from nestguard.access.door import counted
from nestguard.core.calendar import UK
from nestguard.places.models import Address
from nestguard.referrals.models import Referral, concern_types
from nestguard.reporting.models import (
    ReferralDay,
    ReferralDayCount,
    ReferralDayDecision,
    ReferralDayKey,
)
from nestguard.reporting.registry import ReportRequest

MEASURES = ("agency", "ward", "status", "clock", "concern", "hour")


def enabled() -> bool:
    """Whether builds read the pre-aggregate (off: every table counted live, as before)."""
    return bool(getattr(settings, "NESTGUARD_REPORTS_DAILY", True))


def usable(request: ReportRequest) -> bool:
    """Whether this build may read the pre-aggregate: unfiltered, for a user who may report."""
    return (
        enabled() and not request.ward and not request.agency_id and rules.may_report(request.user)
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@lru_cache(maxsize=65536)
def _local(utc_hour: str) -> tuple[date, int]:
    """The UK local day and hour of a UTC hour as `measures.UtcHour` gives it ("YYYY-MM-DD
    HH"). Cached: counting days meets each hour once per measure and value."""
    local = datetime.strptime(utc_hour, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(UK)
    return local.date(), local.hour


class UtcDay(Func):
    """The UTC date of an instant ("YYYY-MM-DD"), or its UTC hour ("YYYY-MM-DD 23") when that
    is 23:00: the UK's offset from UTC is 0 or +1 hour, so only 23:00 UTC can lie in the next
    UK local day (in summer). Grouping by it gives at most two groups a day where
    `measures.UtcHour` gives 24, and `_local_day` maps each to its UK local day exactly."""

    output_field = CharField()
    template = (
        "CASE WHEN substr(%(expressions)s, 12, 2) = '23' THEN %(expressions)s"
        " ELSE substr(%(expressions)s, 1, 10) END"
    )

    def __init__(self, field: str) -> None:
        from nestguard.reporting.measures import UtcHour

        super().__init__(UtcHour(field))


def _local_day(key: str) -> date:
    """The UK local day of a `UtcDay` key."""
    return date.fromisoformat(key) if len(key) == 10 else _local(key)[0]


def _submitted(user: Any, start: date, end: date) -> QuerySet[Referral]:
    """The referrals submitted on UK local days `start` to `end` (inclusive)."""
    return counted(user, Referral).filter(
        submitted_at__gte=_midnight(start), submitted_at__lt=_midnight(end + timedelta(days=1))
    )


def basis(user: Any) -> str:
    """What the day counts depend on beyond the referrals themselves: the register's newest
    change (an address moved to another ward changes no referral) and the concern codes."""
    register = counted(user, Address).filter(in_register=True)
    latest = register.order_by().aggregate(at=Max("updated_at"))["at"]
    codes = ",".join(code for code, _ in concern_types().choices)
    raw = f"{latest.isoformat() if latest else '-'}|{codes}|{HOLDS}"
    return hashlib.sha256(raw.encode()).hexdigest()


# What a stored day holds, part of its basis: a day counted before the keys and decisions
# were kept (decision 0129) is counted again before it is read.
HOLDS = "counts+keys+decisions"

Fingerprint = tuple[int, datetime | None]


def live_fingerprints(user: Any, start: date, end: date) -> dict[date, Fingerprint]:
    """{UK local day: (referrals submitted, newest updated_at)}, for the days that have any:
    one GROUP BY of UTC days (`UtcDay`)."""
    found: dict[date, Fingerprint] = {}
    rows = (
        _submitted(user, start, end)
        .order_by()
        .annotate(d=UtcDay("submitted_at"))
        .values("d")
        .annotate(n=Count("*"), newest=Max("updated_at"))
    )
    for row in rows:
        day = _local_day(row["d"])
        n, newest = found.get(day, (0, None))
        found[day] = (n + row["n"], max(x for x in (newest, row["newest"]) if x is not None))
    return found


def current_days(user: Any, start: date, end: date) -> int:
    """Make the aggregate of the days `start` to `end` current (count again those whose
    fingerprint or basis differs from the live one); the number of days counted again.

    The fingerprints are read BEFORE the counts, so a change made while they are counted
    leaves the stored fingerprint older than the live one, and the day is counted again the
    next time."""
    now_basis = basis(user)
    stored = {
        row["day"]: row
        for row in ReferralDay.objects.filter(day__range=(start, end)).values(
            "day", "referrals", "newest", "basis"
        )
    }
    whole = (
        _submitted(user, start, end).order_by().aggregate(n=Count("*"), newest=Max("updated_at"))
    )
    days = _days(start, end)
    if (
        len(stored) == len(days)
        and all(row["basis"] == now_basis for row in stored.values())
        and sum(row["referrals"] for row in stored.values()) == whole["n"]
        and max((r["newest"] for r in stored.values() if r["newest"]), default=None)
        == whole["newest"]
    ):
        return 0
    live = live_fingerprints(user, start, end)
    stale = [
        day
        for day in days
        if day not in stored
        or stored[day]["basis"] != now_basis
        or (stored[day]["referrals"], stored[day]["newest"]) != live.get(day, (0, None))
    ]
    if stale:
        # One span from the first stale day to the last: the same queries however many days
        # (the current days inside it are counted again too, and come out the same).
        count_days(user, stale[0], stale[-1], now_basis, live)
    return len(stale)


def _clock() -> Switch:
    """Decided within the triage clock, after it, or not decided (waiting and overdue move
    with the time alone, so they are counted live: `measures.triage_timeliness`)."""
    decided = Q(decided_at__isnull=False)
    return Switch(
        When(decided & Q(decided_at__lte=F("triage_due_at")), then=Value("within")),
        When(decided, then=Value("after")),
        default=Value(""),
    )


def day_counts(user: Any, start: date, end: date) -> dict[date, dict[tuple[str, str], int]]:
    """{UK local day: {(measure, value): count}} of the referrals submitted on the days
    `start` to `end`, counted from the records: one GROUP BY per measure."""
    from nestguard.reporting.measures import UtcHour

    period = _submitted(user, start, end).order_by()
    found: dict[date, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))

    def add(day: date, measure: str, value: Any, n: int) -> None:
        if n:
            found[day][(measure, "" if value is None else str(value))] += n

    # The hours by UTC hour (24 groups a day); the rest by UTC day (`UtcDay`: 2 a day).
    for hour in period.annotate(h=UtcHour("submitted_at")).values("h").annotate(n=Count("pk")):
        day, local_hour = _local(hour["h"])
        add(day, "hour", f"{local_hour:02d}", hour["n"])
    rows = period.annotate(d=UtcDay("submitted_at"))
    for measure, key in (
        ("agency", F("referrer_agency_id")),
        ("ward", F("address__ward")),
        ("status", F("status")),
        ("clock", _clock()),
    ):
        for row in rows.annotate(k=key).values("d", "k").annotate(n=Count("pk")):
            add(_local_day(row["d"]), measure, row["k"], row["n"])
    # As `measures._coded`: a referral counts under each code its list holds, or "none".
    codes = [code for code, _ in concern_types().choices]
    by_code = {
        f"c_{i}": Count("pk", filter=Q(concern_types__icontains=f'"{c}"'))
        for i, c in enumerate(codes)
    }
    coded: Any = rows.values("d").annotate(
        **by_code, c_none=Count("pk", filter=Q(concern_types=[]))
    )
    for row in coded:
        day = _local_day(row["d"])
        for i, code in enumerate(codes):
            add(day, "concern", code, row[f"c_{i}"])
        add(day, "concern", "", row["c_none"])
    return found


# What a day keeps beyond its counts (decision 0129): the keys its referrals named ("person",
# "address": value the key, n the referrals naming it) and each decided referral's exact
# time to decision ("within", "after": value the microseconds, n how many took exactly that).
KEYS = ("person", "address")
DECISIONS = ("within", "after")


def day_facts(user: Any, start: date, end: date) -> dict[date, dict[tuple[str, str], int]]:
    """{UK local day: {(fact, value): n}} of the referrals submitted on the days `start` to
    `end`, from the records: the people at risk and the addresses they named (for the repeat
    tables) and the decided ones' microseconds to decision (for the medians). Three queries,
    however many days."""
    from nestguard.reporting.measures import AT_RISK_ROLES, MicrosecondsToDecision

    rows = _submitted(user, start, end).order_by().annotate(d=UtcDay("submitted_at"))
    found: dict[date, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    people = (
        rows.filter(subjects__role__in=AT_RISK_ROLES, subjects__person__isnull=False)
        .values("d", k=F("subjects__person"))
        .annotate(n=Count("pk", distinct=True))
    )
    places = rows.filter(address__isnull=False).values("d", k=F("address")).annotate(n=Count("pk"))
    for fact, grouped in (("person", people), ("address", places)):
        for row in grouped:
            found[_local_day(row["d"])][(fact, str(row["k"]))] += row["n"]
    on_time = Switch(
        When(decided_at__lte=F("triage_due_at"), then=Value("within")), default=Value("after")
    )
    decided = (
        rows.filter(decided_at__isnull=False)
        .annotate(took=MicrosecondsToDecision(), clock=on_time)
        .values_list("d", "clock", "took")
    )
    for d, clock, took in decided:
        found[_local_day(d)][(clock, str(took))] += 1
    return found


def replace_facts(
    cursor: Any, start: date, end: date, facts: Mapping[date, Mapping[tuple[str, str], int]]
) -> None:
    """Put the days' facts (`day_facts`) in place of those stored for `start` to `end`, inside
    the caller's transaction."""
    ops = connection.ops
    span = [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)]
    key_field = ReferralDayKey._meta.get_field("key")
    keys, decisions = [], []
    for day, cells in facts.items():
        stored_day = ops.adapt_datefield_value(day)
        for (fact, value), n in cells.items():
            if fact in KEYS:
                key = key_field.get_db_prep_value(uuid.UUID(value), connection)
                keys.append((stored_day, fact, key, n))
            else:
                decisions.extend([(stored_day, fact, int(value))] * n)
    replace_day_rows(cursor, ReferralDayKey._meta.db_table, "day, measure, key, n", span, keys)
    replace_day_rows(
        cursor, ReferralDayDecision._meta.db_table, "day, clock, took", span, decisions
    )


def replace_day_rows(
    cursor: Any, table: str, columns: str, span: list[Any], rows: list[tuple[Any, ...]]
) -> None:
    """Delete `table`'s rows for the days of `span` (the first and last, adapted for the
    database) and insert `rows` (values for `columns`, the day first), inside the caller's
    transaction. In SQL, not `QuerySet.delete`: the reports' change signal (connected for
    every model) would make Django read the rows and delete them in batches by id."""
    cursor.execute(f"DELETE FROM {table} WHERE day BETWEEN %s AND %s", span)  # noqa: S608
    if rows:
        marks = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def stored_facts(start: date, end: date) -> dict[date, dict[tuple[str, str], int]]:
    """The facts stored for the days `start` to `end`, as `day_facts` gives them."""
    found: dict[date, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for day, fact, key, n in ReferralDayKey.objects.filter(day__range=(start, end)).values_list(
        "day", "measure", "key", "n"
    ):
        found[day][(fact, str(key))] += n
    for day, clock, took in ReferralDayDecision.objects.filter(day__range=(start, end)).values_list(
        "day", "clock", "took"
    ):
        found[day][(clock, str(took))] += 1
    return found


def count_days(
    user: Any,
    start: date,
    end: date,
    now_basis: str | None = None,
    fingerprints: dict[date, Fingerprint] | None = None,
) -> None:
    """Count the days `start` to `end` from the records and store them with their
    fingerprints (read first, when not given) in one transaction: a reader sees a day's old
    counts or its new ones, never a mixture."""
    now_basis = basis(user) if now_basis is None else now_basis
    live = live_fingerprints(user, start, end) if fingerprints is None else fingerprints
    counts = day_counts(user, start, end)
    facts = day_facts(user, start, end)
    now = timezone.now()
    ops = connection.ops
    days = [
        (
            ops.adapt_datefield_value(day),
            live.get(day, (0, None))[0],
            ops.adapt_datetimefield_value(live.get(day, (0, None))[1]),
            now_basis,
            ops.adapt_datetimefield_value(now),
        )
        for day in _days(start, end)
    ]
    day_table = ReferralDay._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # One statement each, however many days (Django's bulk_create splits at SQLite's 999
        # parameters: the number of queries would grow with the period). The upsert locks the
        # days' rows (PostgreSQL): two processes counting the same days at once replace each
        # other's counts in turn, never insert them twice.
        cursor.executemany(
            f"INSERT INTO {day_table} (day, referrals, newest, basis, counted_at)"  # noqa: S608
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (day) DO UPDATE SET"
            " referrals = excluded.referrals, newest = excluded.newest,"
            " basis = excluded.basis, counted_at = excluded.counted_at",
            days,
        )
        replace_counts(cursor, ReferralDayCount._meta.db_table, start, end, counts)
        replace_facts(cursor, start, end, facts)


def replace_counts(
    cursor: Any,
    table: str,
    start: date,
    end: date,
    counts: Mapping[date, Mapping[tuple[str, str], int]],
) -> None:
    """Put the days' counts (day -> (measure, value) -> n) in place of those stored for
    `start` to `end`, inside the caller's transaction (referral and case days alike)."""
    ops = connection.ops
    span = [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)]
    rows = [
        (ops.adapt_datefield_value(day), measure, value, n)
        for day, cells in counts.items()
        for (measure, value), n in cells.items()
    ]
    replace_day_rows(cursor, table, "day, measure, value, n", span, rows)


@dataclass
class Sums:
    """A period's referral counts read from the pre-aggregate."""

    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # measure -> value -> n
    hours: dict[tuple[date, int], int] = field(default_factory=dict)  # (local day, hour) -> n

    def of(self, measure: str) -> dict[str, int]:
        return self.totals.get(measure, {})


def sums(request: ReportRequest) -> Sums:
    """The period's sums, made current first; read once per build (`request.memo`)."""
    if "daily" not in request.memo:
        current_days(request.user, request.start, request.end)
        found = Sums()
        period = ReferralDayCount.objects.filter(day__range=(request.start, request.end))
        for row in period.exclude(measure="hour").values("measure", "value").annotate(n=Sum("n")):
            found.totals.setdefault(row["measure"], {})[row["value"]] = row["n"]
        for day, hour, n in period.filter(measure="hour").values_list("day", "value", "n"):
            found.hours[(day, int(hour))] = n
        request.memo["daily"] = found
    result: Sums = request.memo["daily"]
    return result


def per_key(request: ReportRequest, fact: str) -> QuerySet[Any]:
    """The period's keys ("person", "address") with how many of its referrals named each (`k`,
    `n`), as `measures.repeat_victims` and `repeat_addresses` count them live: one GROUP BY of
    the days' keys, made current first."""
    sums(request)
    return (
        ReferralDayKey.objects.filter(measure=fact, day__range=(request.start, request.end))
        .order_by()
        .values(k=F("key"))
        .annotate(n=Sum("n"))
    )


def middle_took(request: ReportRequest) -> dict[str, list[int]]:
    """The middle one (odd) or two (even) times to decision, in microseconds, of the period's
    referrals decided within the clock, after it, and all decided: one ordered read of the
    days' decisions each (`LIMIT 2 OFFSET` the middle), made current first. How many there
    are is the days' "clock" counts, stored with them."""
    clock = sums(request).of("clock")
    period = ReferralDayDecision.objects.filter(day__range=(request.start, request.end))
    within, after = clock.get("within", 0), clock.get("after", 0)
    groups = (
        ("within", period.filter(clock="within"), within),
        ("after", period.filter(clock="after"), after),
        ("decided", period, within + after),
    )
    found: dict[str, list[int]] = {}
    for name, rows, n in groups:
        first, last = (n - 1) // 2, n // 2
        ordered = rows.order_by("took").values_list("took", flat=True)
        found[name] = list(ordered[first : last + 1]) if n else []
    return found


@dataclass(frozen=True)
class Mismatch:
    day: date
    measure: str
    value: str
    stored: int
    counted: int


def check(user: Any, start: date, end: date) -> list[Mismatch]:
    """Every stored count of the days `start` to `end` compared with a count from the records
    now (the reconciliation of decision 0120): the cells that differ. Days never counted
    compare as empty; a day changed since it was counted shows as a mismatch until the next
    build (or `count_days`) counts it again."""
    live = day_counts(user, start, end)
    for day, facts in day_facts(user, start, end).items():
        live.setdefault(day, defaultdict(int)).update(facts)
    stored: dict[date, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in ReferralDayCount.objects.filter(day__range=(start, end)).values(
        "day", "measure", "value", "n"
    ):
        stored[row["day"]][(row["measure"], row["value"])] = row["n"]
    for day, facts in stored_facts(start, end).items():
        stored[day].update(facts)
    found = []
    for day in _days(start, end):
        cells: Iterable[tuple[str, str]] = sorted(set(live.get(day, {})) | set(stored.get(day, {})))
        for cell in cells:
            was, now = stored.get(day, {}).get(cell, 0), live.get(day, {}).get(cell, 0)
            if was != now:
                found.append(Mismatch(day, cell[0], cell[1], was, now))
    return found


def counted_span(start: date | None = None, end: date | None = None) -> tuple[date, date] | None:
    """The days the aggregate holds (narrowed to `start`..`end` when given), or None."""
    held = ReferralDay.objects.aggregate(first=Min("day"), last=Max("day"))
    if held["first"] is None:
        return None
    first, last = max(held["first"], start or held["first"]), min(held["last"], end or held["last"])
    return (first, last) if first <= last else None


def reconcile(user: Any, start: date | None = None, end: date | None = None) -> list[Mismatch]:
    """`check` over the days the aggregate holds, skipping those changed since they were
    counted (a build counts them again before reading them: not a mismatch). What is left is
    a stored count that differs from the records although its day's fingerprint says nothing
    changed: the aggregate would be read wrong, and that is an error to report."""
    span = counted_span(start, end)
    if span is None:
        return []
    now_basis = basis(user)
    live = live_fingerprints(user, *span)
    unchanged = {
        row["day"]
        for row in ReferralDay.objects.filter(day__range=span, basis=now_basis).values(
            "day", "referrals", "newest"
        )
        if (row["referrals"], row["newest"]) == live.get(row["day"], (0, None))
    }
    return [m for m in check(user, *span) if m.day in unchanged]


def repair(user: Any, found: list[Mismatch]) -> int:
    """Count again the days of `found` (from `reconcile`); how many."""
    days = sorted({m.day for m in found})
    for day in days:
        count_days(user, day, day)
    return len(days)


def fill(user: Any) -> int:
    """Count every day from the first submitted referral to today (a new or restored
    database: `seed_demo`, `report_counts_check --count`); how many days."""
    found = counted(user, Referral).order_by().aggregate(first=Min("submitted_at"))["first"]
    if found is None:
        return 0
    start, end = found.astimezone(UK).date(), timezone.localdate(timezone=UK)
    count_days(user, start, max(start, end))
    return (max(start, end) - start).days + 1
