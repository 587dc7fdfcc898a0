"""The one way a report leaves the system (decision 0089): built from true counts (cached while
nothing it counts has changed), suppressed exactly once, and its reading audited with the
report, period, filters and format. Pages, prints, CSV, ODS and the API all come through
`read_report`."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Max, Model, QuerySet, Subquery
from django.utils import timezone

from nestguard.access import rules
from nestguard.access.door import counted, policy_for, record_search, registered_models
from nestguard.cases.models import Case, CaseAddress, CaseSubject
from nestguard.core.calendar import UK
from nestguard.core.memo import KeptLatest
from nestguard.core.middleware import requests_in_flight
from nestguard.pathways.models import MissingEpisode
from nestguard.people.models import Person
from nestguard.places.models import Address, RepeatAddressAlert
from nestguard.referrals.models import Referral, ReferralSubject
from nestguard.reporting import case_daily
from nestguard.reporting.models import CountedChange, PreparedReport, ReferralDay
from nestguard.reporting.period import Asked
from nestguard.reporting.registry import Report, ReportSpec

# A built report is exact now at most this long, even when nothing it counts has changed: the
# triage clock ("overdue") moves with time alone.
CACHE_SECONDS = 600
# What a change to any of these moves (each read by its index on the column).
_MARKERS: tuple[tuple[type[Model], str], ...] = (
    (Referral, "updated_at"),
    (Case, "updated_at"),
    (Address, "updated_at"),
    (RepeatAddressAlert, "raised_at"),
    (MissingEpisode, "updated_at"),
    # A person's equality monitoring details (the county lines review, equality monitoring).
    (Person, "updated_at"),
)


@dataclass(frozen=True)
class Shown:
    """A report as it may be shown (suppressed), and when its counts were taken."""

    report: Report
    as_of: datetime
    # False: exact as of `as_of`, but something counted has changed since, and a newer copy
    # is being prepared (decision 0112).
    current: bool = True
    # Which stored copy it is (`Built.copy`), None for a count that was not stored.
    copy: str | None = None


@dataclass(frozen=True)
class Built:
    """A report's true counts, when they were taken, and whether they are still current."""

    report: Report
    as_of: datetime
    current: bool = True
    # The same report suppressed, when a stored copy was read (made once per copy, `_unpacked`).
    shown: Report | None = None
    # Which stored copy this is (its slot, when it was counted and the marker it was counted
    # at: a copy never changes, so what is made from it may be kept, decision 0129); None for
    # a count that was not stored.
    copy: str | None = None


# The tables reports join to what they count (who a referral names, where a case is).
_LINKS: tuple[type[Model], ...] = (ReferralSubject, CaseSubject, CaseAddress)


@lru_cache(maxsize=1)
def counted_models() -> frozenset[type[Model]]:
    """The models reports count (those with a reporting scope) and the tables they join."""
    scoped = {m for m in registered_models() if "reporting" in policy_for(m).scopes}
    return frozenset(scoped | set(_LINKS))


def changed(sender: Any, **kwargs: Any) -> None:
    """A record that reports count was saved or deleted: prepared reports are out of date.
    (Connected to post_save and post_delete in apps.py.) One row in the change's own
    transaction (decision 0112): every process sees it once committed, none if rolled back.
    The newest `updated_at` below also catches bulk loads and `QuerySet.update`s that set it,
    which send no signal; the lifetime of a current copy bounds anything else."""
    if sender in counted_models():
        CountedChange.objects.create()
    if sender is Referral:
        forget_day(kwargs.get("instance"))
    elif sender is Case:
        case_daily.forget(kwargs.get("instance"))
    elif sender is CaseSubject:
        case_daily.forget_subject(kwargs.get("instance"))


def forget_day(referral: Referral | None) -> None:
    """A referral was saved or deleted: its day of the daily pre-aggregate (decision 0120) is
    counted again before it is next read. The day's fingerprint would notice most changes
    alone (a save stamps the newest `updated_at`); this also catches one whose stamp is not
    the newest of its day, and costs one delete by the day's unique index."""
    submitted = getattr(referral, "submitted_at", None)
    if submitted is not None:
        ReferralDay.objects.filter(day=timezone.localtime(submitted, UK).date()).delete()


def last_change(user: Any) -> str:
    """A cheap marker of the latest change to what reports count, the same in every process:
    the newest change row (`changed`) and the newest update time of each counted table (one
    index lookup each)."""
    keys = [f"at{i}" for i in range(len(_MARKERS))]
    found = _marker_row(user)
    if found is None:
        found = {"id": 0} | {
            key: counted(user, model).order_by().aggregate(at=Max(field))["at"]
            for key, (model, field) in zip(keys, _MARKERS, strict=True)
        }
    stamps = "|".join(_stamp(found[key]) for key in keys)
    return f"{found['id']}|{stamps}"


def _marker_query(user: Any) -> QuerySet[Any]:
    """The marker in one statement (decision 0129): the newest change row (its id, by the
    key's index; no row, no change yet) carrying each table's newest stamp as a subquery that
    reads the last entry of its index (`ORDER BY ... DESC LIMIT 1`, what MAX reads), each
    through the door's reporting scope."""
    newest = {
        f"at{i}": Subquery(counted(user, model).order_by(F(field).desc()).values(field)[:1])
        for i, (model, field) in enumerate(_MARKERS)
    }
    return CountedChange.objects.order_by("-id").annotate(**newest).values("id", *newest)[:1]


# The marker's statement for a user who may report, as the door made it, compiled once per
# process and database (decision 0135): the reporting scope is all or nothing (decision 0089:
# every record for a user who may report, whoever they are), so the statement is the same for
# every such user, as the prepared copy it is compared with is one for all of them. Building
# and compiling its seven queries through the door was about a quarter of the CPU of a page
# that shows a prepared copy.
_marker_statements: dict[str, tuple[str, tuple[Any, ...]]] = {}


def _marker_row(user: Any) -> dict[str, Any] | None:
    if not rules.may_report(user):
        return next(iter(_marker_query(user)), None)
    statement = _marker_statements.get(connection.alias)
    if statement is None:
        sql, params = _marker_query(user).query.sql_with_params()
        statement = _marker_statements.setdefault(connection.alias, (sql, tuple(params)))
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    return None if row is None else dict(zip(names, row, strict=True))


def _stamp(value: Any) -> str:
    """A stamp as the marker writes it: ISO 8601 in UTC, whether the database handed it over
    as a datetime (PostgreSQL) or as its text (SQLite, read without the ORM's converters)."""
    if not value:
        return "-"
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat()


def slot(spec: ReportSpec, asked: Asked) -> str:
    """The report and its period and filters, as the key of its prepared copy."""
    raw = json.dumps([spec.name, asked.terms()], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def prepare_later() -> bool:
    """Whether a page that finds no current copy has it built by the job queue (and answers
    at once) rather than building it in the request ("inline": the tests)."""
    return str(getattr(settings, "NESTGUARD_REPORTS_PREPARE", "queue")) == "queue"


def older_copy_seconds() -> int:
    """How old a copy that is no longer current may be and still be shown (with its time)."""
    return int(getattr(settings, "NESTGUARD_REPORTS_SHOW_OLDER_SECONDS", 3600))


def _stored(key: str) -> PreparedReport | None:
    # The payload is read only when this process has not unpacked the copy before.
    return PreparedReport.objects.filter(slot=key).defer("payload").first()


# Copies this process has unpacked (decision 0129): a stored copy never changes (a newer count
# replaces it with another `built_at` and marker), so its unpickled and suppressed report is
# kept in memory while it is among the latest UNPACKED_COPIES read.
UNPACKED_COPIES = 32
_unpacked_copies: KeptLatest[tuple[Report, datetime, Report]] = KeptLatest(UNPACKED_COPIES)


def _unpack(stored: PreparedReport) -> tuple[Report, datetime, Report]:
    report, as_of = pickle.loads(bytes(stored.payload))  # noqa: S301 (written only by build)
    return report, as_of, report.suppressed()


def _unpacked(stored: PreparedReport, *, current: bool) -> Built:
    key = (stored.slot, stored.built_at.isoformat(), stored.marker)
    found = _unpacked_copies.made(key, lambda: _unpack(stored))
    return Built(found[0], found[1], current, shown=found[2], copy="|".join(key))


def build(
    user: Any,
    spec: ReportSpec,
    asked: Asked,
    *,
    marker: str | None = None,
) -> Built:
    """Build the report now and keep the copy for every process (replacing any older one):
    the marker is read BEFORE the counts (or given, just read), so a change made while they
    are counted leaves the copy out of date."""
    marker = last_change(user) if marker is None else marker
    started = _build_clock()
    request = asked.request(user)
    # What had changed when the counts started: the daily case counts' trust (decision 0125).
    request.memo["marker"] = marker
    report, as_of = spec.build(request), timezone.now()
    fields = {
        "report": spec.name,
        "terms": asked.terms(),
        "marker": marker,
        "built_at": as_of,
        "built_for": user,
        "payload": pickle.dumps((report, as_of), protocol=pickle.HIGHEST_PROTOCOL),
        "build_seconds": _build_clock() - started,
    }
    # One statement, whether or not a copy is stored (or another process stores one now).
    PreparedReport.objects.bulk_create(
        [PreparedReport(slot=slot(spec, asked), **fields)],
        update_conflicts=True,
        unique_fields=["slot"],
        update_fields=list(fields),
    )
    return Built(report, as_of, copy=f"{slot(spec, asked)}|{as_of.isoformat()}|{marker}")


def _build_clock() -> float:
    """What a build's cost is measured by (decision 0129): on SQLite, whose work runs in the
    building thread, that thread's CPU time, so that a build the worker made while the machine
    was busy is not judged dearer than it is (wall-clock time there measures the load, and
    kept cheap builds of new periods "being prepared" on a shared machine); on a database
    server, whose work is another process's, wall-clock time as before."""
    if connection.vendor == "sqlite":
        return time.thread_time()
    return time.perf_counter()


def _current(user: Any, spec: ReportSpec, asked: Asked) -> tuple[PreparedReport | None, bool, str]:
    """The prepared copy of the report (if any), whether it is current (nothing counted has
    changed since it was built, and it is younger than CACHE_SECONDS), and the marker now."""
    stored = _stored(slot(spec, asked))
    marker = last_change(user)
    current = (
        stored is not None
        and stored.marker == marker
        and (timezone.now() - stored.built_at).total_seconds() < CACHE_SECONDS
    )
    return stored, current, marker


def is_current(user: Any, spec: ReportSpec, asked: Asked) -> bool:
    """Whether the report's prepared copy is current (nothing counted changed since)."""
    return _current(user, spec, asked)[1]


def build_true(user: Any, spec: ReportSpec, asked: Asked) -> Built:
    """The report's true counts: the prepared copy while nothing counted has changed (one copy
    for every process and every user who may report: the reporting scope does not depend on
    who asks), else built now. Anyone else gets a fresh, empty build."""
    if not rules.may_report(user):
        return Built(spec.build(asked.request(user)), timezone.now())
    stored, current, marker = _current(user, spec, asked)
    if stored is not None and current:
        return _unpacked(stored, current=True)
    return build(user, spec, asked, marker=marker)


def prepared(user: Any, spec: ReportSpec, asked: Asked) -> Built | None:
    """As `build_true`, for a page that answers at once (decision 0112): when the queue
    prepares reports, a missing or out-of-date copy is not built in the request; its build is
    queued (once), and the answer is the older copy (current=False) while it is young enough
    (NESTGUARD_REPORTS_SHOW_OLDER_SECONDS), else None: "being prepared"."""
    if not rules.may_report(user) or not prepare_later():
        return build_true(user, spec, asked)
    stored, current, marker = _current(user, spec, asked)
    if stored is not None and current:
        return _unpacked(stored, current=True)
    age = (timezone.now() - stored.built_at).total_seconds() if stored is not None else None
    if stored is not None and age is not None and age < older_copy_seconds():
        queue_build(user, spec, asked, marker)
        return _unpacked(stored, current=False)
    # Nothing to show: a build that earlier ones say is cheap is counted now, with figures,
    # rather than answering "being prepared" (decision 0120), but only while the machine has
    # a core to spare (decisions 0135, 0139).
    if inline_seconds() > 0 and not machine_busy():
        likely = likely_seconds(spec, asked)
        if likely is not None and likely <= inline_seconds():
            return build(user, spec, asked, marker=marker)
    queue_build(user, spec, asked, marker)
    return None


def inline_seconds() -> float:
    """The longest a page may count a report in the request, judged by earlier builds."""
    return int(getattr(settings, "NESTGUARD_REPORTS_INLINE_MS", 100)) / 1000


def machine_busy() -> bool:
    """Whether a request should not count a report now, judged at once (decisions 0135,
    0139): under load a request waits for the others' CPU, so a build counted in one request
    (tens of milliseconds of CPU where a page costs a few) slows every request served beside
    it; in the worker, which yields the CPU to the web processes, it slows none. Busy when
    - this process is serving another request beside the asking one (a threaded server);
    - else, where the kernel reports CPU pressure, some task waited for a CPU in at least
      NESTGUARD_REPORTS_INLINE_PRESSURE percent of the last 10 seconds (any server layout);
    - else, the 1-minute load average is at or over NESTGUARD_REPORTS_INLINE_LOAD percent of
      the cores; where that cannot be read either, idle (the build's cost alone decides)."""
    if requests_in_flight() > 1:
        return True
    waiting = cpu_pressure()
    if waiting is not None:
        return waiting >= inline_pressure()
    try:
        load = os.getloadavg()[0]
    except OSError:
        return False
    return load * 100 >= inline_load() * _cores()


def cpu_pressure() -> float | None:
    """The share of the last 10 seconds (percent) in which some task waited for a CPU, as the
    kernel reports it (Linux's pressure stall information, "some avg10", in
    NESTGUARD_REPORTS_PRESSURE_FILE); None where it is not reported."""
    path = getattr(settings, "NESTGUARD_REPORTS_PRESSURE_FILE", "/proc/pressure/cpu")
    try:
        with open(path, encoding="ascii") as stream:
            first = stream.readline()
    except (OSError, UnicodeDecodeError):
        return None
    kind, *fields = first.split() or [""]
    figures = dict(field.partition("=")[::2] for field in fields)
    try:
        return float(figures["avg10"]) if kind == "some" else None
    except (KeyError, ValueError):
        return None


def inline_pressure() -> int:
    return int(getattr(settings, "NESTGUARD_REPORTS_INLINE_PRESSURE", 10))


def inline_load() -> int:
    return int(getattr(settings, "NESTGUARD_REPORTS_INLINE_LOAD", 50))


@lru_cache(maxsize=1)
def _cores() -> int:
    """The cores this process may run on (its affinity, where the system says)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def _days(terms: dict[str, Any]) -> int:
    return (date.fromisoformat(terms["to"]) - date.fromisoformat(terms["from"])).days + 1


# How many of a report's latest builds judge how long the next one will take.
LIKELY_FROM = 20


def likely_seconds(spec: ReportSpec, asked: Asked) -> float | None:
    """How long a build of the report for `asked` is likely to take, from the report's latest
    builds (their `build_seconds`, measured in whichever process built them): the median of
    those with the same filters over a period at least as long (a build counts more for a
    longer period, never less), or None when there are none (it is not judged: queued)."""
    terms = asked.terms()
    earlier = PreparedReport.objects.filter(report=spec.name).order_by("-built_at")
    seconds = sorted(
        row["build_seconds"]
        for row in earlier.values("terms", "build_seconds")[:LIKELY_FROM]
        if set(row["terms"]) == set(terms) and _days(row["terms"]) >= _days(terms)
    )
    return seconds[len(seconds) // 2] if seconds else None


def queue_build(user: Any, spec: ReportSpec, asked: Asked, marker: str) -> None:
    """Ask the job queue to build the report, as `user` (once: a waiting run of the same is
    reused; the job does nothing when another run made the copy current meanwhile)."""
    from nestguard.jobs import enqueue_once

    # This process asked for it moments ago, with nothing changed since: the run is waiting
    # or running (each refresh of the page would otherwise read the queue).
    asked_for = f"{slot(spec, asked)}|{marker}"
    recently = "reporting:queued:" + hashlib.sha256(asked_for.encode()).hexdigest()
    if not cache.add(recently, True, QUEUED_SECONDS):
        return
    enqueue_once(
        PREPARE_JOB, started_by=user, report=spec.name, terms=asked.terms(), by=str(user.pk)
    )


PREPARE_JOB = "reporting.prepare_report"
# A process asks the queue for the same report at most this often.
QUEUED_SECONDS = 30


def read_report(user: Any, spec: ReportSpec, asked: Asked, *, output: str) -> Shown:
    """The report as it may leave the system, for `output` ("print", "csv", "ods", "api"),
    built now if it is not prepared; one `report.read` event records who took it, in what
    form."""
    return _shown(user, spec, asked, build_true(user, spec, asked), output)


def read_prepared(user: Any, spec: ReportSpec, asked: Asked, *, output: str) -> Shown | None:
    """As `read_report`, for a page that answers at once: None (nothing read, nothing
    recorded) while the report is being prepared (`prepared`)."""
    built = prepared(user, spec, asked)
    return None if built is None else _shown(user, spec, asked, built, output)


def _shown(user: Any, spec: ReportSpec, asked: Asked, built: Built, output: str) -> Shown:
    shown = built.shown if built.shown is not None else built.report.suppressed()
    record_search(
        user,
        "report.read",
        purpose="reporting",
        terms={"report": spec.name, **asked.terms(), "format": output},
        found=len(shown.tables),
    )
    return Shown(shown, built.as_of, built.current, built.copy)
