"""The partnership's measures: one small function per aggregate, each a `Table` of TRUE counts
(decision 0089). Reports and the dashboard assemble them; whatever shows them suppresses them
(`Report.suppressed`, `suppression.suppress`) on the way out, never here.

Every function reads through `door.counted(user, Model)` (the model's reporting scope) and
asks the database one GROUP BY (or one conditional aggregate) per table, so that a table costs
the same at a borough's size as at a street's. Periods are UK local dates, inclusive: a
referral submitted at 00:30 BST on 1 April counts in April, and the hour of day, the day of
week and the month are read in UK local time on SQLite and PostgreSQL alike (from the UTC
hours the database groups by, `UtcHour`: decision 0096).

What each count counts:
- referrals: submitted in the period (drafts never count), by `submitted_at`; the ward is
  the ward of the register address the referral resolved to; the agency filter is the
  referrer's agency;
- cases: opened, open at the end of the period, or closed in it; the ward filter is any of
  the case's addresses, the agency filter is the lead agency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Switch
from django.db.models.functions import Coalesce
from django.utils import timezone

from nestguard.access.door import counted
from nestguard.accounts.models import Agency, agency_types
from nestguard.cases.models import Case, CaseAddress, CaseStatus, outcomes
from nestguard.core.calendar import UK
from nestguard.places.models import Address, RepeatAddressAlert
from nestguard.referrals.models import Referral, ReferralStatus, concern_types
from nestguard.reporting import case_daily, daily
from nestguard.reporting.registry import ReportRequest
from nestguard.reporting.tables import Column, Table, counts_table

# The ward a referral or case with no register address (or an address with no ward) is in.
NO_WARD = "No ward (address not known or not in the register)"
OTHER_WARDS = "Other wards"
# Whom "repeat victims" counts: the people a referral is about, not its suspects.
AT_RISK_ROLES = ("victim", "person_at_risk")
# The six outcomes of the Stockport cuckooing project's evaluation, in its order; the rest
# of the code list follows them.
STOCKPORT_OUTCOMES = (
    "arrested_convicted",
    "target_hardening_wraparound",
    "cpw_cpn",
    "moved",
    "warnings_issued",
    "perpetrators_excluded",
)
RISK_BANDS = (("high", "High"), ("medium", "Medium"), ("low", "Low"), ("", "Not assessed"))
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MULTI_NOTE = "{noun} may have more than one {what}, so the rows add up to more than the {noun}."


# ---------------------------------------------------------------------------------------------
# The period and the filters


def period_bounds(request: ReportRequest) -> tuple[datetime, datetime]:
    """The period as instants: from UK midnight starting `start` to UK midnight after `end`."""
    start = datetime.combine(request.start, time.min, tzinfo=UK)
    end = datetime.combine(request.end + timedelta(days=1), time.min, tzinfo=UK)
    return start, end


def referrals(request: ReportRequest) -> QuerySet[Referral]:
    """The referrals a report counts: submitted in the period, in the ward and from the agency
    asked for."""
    start, end = period_bounds(request)
    rows = counted(request.user, Referral).filter(submitted_at__gte=start, submitted_at__lt=end)
    if request.ward:
        rows = rows.filter(address__ward=request.ward)
    if request.agency_id:
        rows = rows.filter(referrer_agency_id=request.agency_id)
    return rows


def cases(request: ReportRequest) -> QuerySet[Case]:
    """The cases a report may count, in the ward and led by the agency asked for (any dates)."""
    rows = counted(request.user, Case)
    if request.ward:
        in_ward = CaseAddress.objects.filter(case=OuterRef("pk"), address__ward=request.ward)
        rows = rows.filter(Exists(in_ward))
    if request.agency_id:
        rows = rows.filter(lead_agency_id=request.agency_id)
    return rows


def cases_opened(request: ReportRequest) -> QuerySet[Case]:
    start, end = period_bounds(request)
    return cases(request).filter(opened_at__gte=start, opened_at__lt=end)


def cases_closed(request: ReportRequest) -> QuerySet[Case]:
    start, end = period_bounds(request)
    return cases(request).filter(status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)


def cases_open_at_end(request: ReportRequest) -> QuerySet[Case]:
    """Cases open (or monitored) when the period ended: opened before its end, not closed by
    then."""
    _, end = period_bounds(request)
    return cases(request).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=end), opened_at__lt=end
    )


def _grouped(rows: QuerySet[Any], key: Any) -> dict[Any, int]:
    """{key value: count}: one GROUP BY."""
    return {
        row["key"]: row["n"]
        for row in rows.order_by().annotate(key=key).values("key").annotate(n=Count("pk"))
    }


def _coded(
    request: ReportRequest,
    rows: QuerySet[Any],
    field: str,
    codes: Sequence[tuple[str, str]],
    none_label: str,
) -> list[tuple[str, list[int]]]:
    """Counts of records whose JSON list `field` holds each code (one conditional aggregate:
    a record with two codes counts in both rows), then those whose list is empty."""
    # The list is stored as JSON text on SQLite and as jsonb on PostgreSQL; both render a
    # code as "code" with its quotes, and no code is a quoted part of another.
    filters = {code: Q(**{f"{field}__icontains": f'"{code}"'}) for code, _ in codes}
    found = rows.order_by().aggregate(
        **{f"c_{code}": Count("pk", filter=q) for code, q in filters.items()},
        c__none=Count("pk", filter=Q(**{field: []})),
    )
    body = [(label, [found[f"c_{code}"]]) for code, label in codes]
    return [*body, (none_label, [found["c__none"]])]


# ---------------------------------------------------------------------------------------------
# Referrals


def _agency_counts(request: ReportRequest, field: str) -> dict[Any, int]:
    """Referrals by a field of the referrer's agency (its name or type): summed from the daily
    pre-aggregate's agency ids when it may be read, else one GROUP BY over the join."""
    if not daily.usable(request):
        return _grouped(referrals(request), F(f"referrer_agency__{field}"))
    by_id = daily.sums(request).of("agency")
    names = dict(Agency.objects.filter(pk__in=[k for k in by_id if k]).values_list("pk", field))
    counts: dict[Any, int] = {}
    for key, n in by_id.items():
        # A referral with no agency groups under None, as the join gives it.
        name = names.get(_agency_key(key)) if key else None
        counts[name] = counts.get(name, 0) + n
    return counts


def _agency_key(stored: str) -> Any:
    """An agency id as stored in the pre-aggregate (text), as the model's key."""
    return Agency._meta.pk.to_python(stored) if Agency._meta.pk is not None else stored


def referrals_by_source(request: ReportRequest) -> Table:
    counts = _agency_counts(request, "name")
    rows = [(str(name), [n]) for name, n in sorted(counts.items(), key=lambda kv: str(kv[0]))]
    return counts_table(
        "referrals_by_source", "Referrals by source agency", "Agency", rows, percent=True
    )


def referrals_by_agency_type(request: ReportRequest) -> Table:
    counts = _agency_counts(request, "type")
    types = agency_types()
    rows = [(c.label, [counts.pop(c.code, 0)]) for c in types.codes]
    rows += [(types.label(code), [n]) for code, n in sorted(counts.items())]
    return counts_table(
        "referrals_by_agency_type",
        "Referrals by source agency type",
        "Type of agency",
        rows,
        percent=True,
    )


def referrals_by_concern(request: ReportRequest) -> Table:
    codes = concern_types().choices
    if daily.usable(request):
        found = daily.sums(request).of("concern")
        rows = [(label, [found.get(code, 0)]) for code, label in codes]
        rows.append(("No concern type recorded", [found.get("", 0)]))
    else:
        rows = _coded(
            request, referrals(request), "concern_types", codes, "No concern type recorded"
        )
    return counts_table(
        "referrals_by_concern",
        "Referrals by concern type",
        "Concern",
        rows,
        notes=[MULTI_NOTE.format(noun="Referrals", what="concern type")],
    )


def ward_sizes(user: Any) -> dict[str, int]:
    """Register addresses in each ward, for the minimum ward size (decision 0089). Cached until
    the register changes: the register is large and changes seldom."""
    register = counted(user, Address).filter(in_register=True)
    latest = register.order_by().aggregate(latest=Max("updated_at"))["latest"]
    key = f"reporting:ward_sizes:{latest.isoformat() if latest else 'empty'}"
    sizes: dict[str, int] | None = cache.get(key)
    if sizes is None:
        sizes = {str(k): n for k, n in _grouped(register.exclude(ward=""), F("ward")).items()}
        cache.set(key, sizes, 24 * 3600)
    return sizes


def min_ward_addresses() -> int:
    return int(getattr(settings, "NESTGUARD_REPORT_MIN_WARD_ADDRESSES", 100))


def reportable_wards(user: Any) -> list[str]:
    """The wards a report may be filtered by or show on their own: those with at least
    NESTGUARD_REPORT_MIN_WARD_ADDRESSES register addresses."""
    least = min_ward_addresses()
    return sorted(ward for ward, n in ward_sizes(user).items() if n >= least)


def referrals_by_ward(request: ReportRequest) -> Table:
    counts: dict[Any, int] = (
        dict(daily.sums(request).of("ward"))
        if daily.usable(request)
        else _grouped(referrals(request), F("address__ward"))
    )
    shown = set(reportable_wards(request.user))
    rows = [(ward, [counts.pop(ward, 0)]) for ward in sorted(shown)]
    none = counts.pop(None, 0) + counts.pop("", 0)
    rows += [(OTHER_WARDS, [sum(counts.values())]), (NO_WARD, [none])]
    return counts_table(
        "referrals_by_ward",
        "Referrals by ward",
        "Ward",
        rows,
        percent=True,
        notes=[
            f"Wards with fewer than {min_ward_addresses():,} register addresses are counted "
            f"together as “{OTHER_WARDS}”."
        ],
    )


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


class UtcHour(Func):
    """The UTC hour an instant falls in, as text "YYYY-MM-DD HH", computed by the database
    itself. (Django's Trunc and Extract with a time zone are Python functions called for every
    row on SQLite: at a borough's size, seconds per table.) The UK's offset from UTC is always
    a whole number of hours, so each UTC hour lies wholly inside one UK local hour, day and
    month: the local figures are read from the (at most 24 a day) hours, in Python."""

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps an aware datetime as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]".
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 13)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"
        return self.as_sql(compiler, connection, template=template)


def local_hours(rows: QuerySet[Any], field: str = "submitted_at") -> dict[datetime, int]:
    """{UK local start of the hour: count} of `rows` by `field`: one GROUP BY of UTC hours."""
    found: dict[datetime, int] = {}
    for hour, n in _grouped(rows, UtcHour(field)).items():
        if hour is None:
            continue
        utc = datetime.strptime(str(hour), "%Y-%m-%d %H").replace(tzinfo=UTC)
        local = utc.astimezone(UK)
        found[local] = found.get(local, 0) + n
    return found


def referrals_by_local_hour(request: ReportRequest) -> dict[datetime, int]:
    """The period's referrals by UK local hour, read once per build for the month, weekday
    and hour tables."""
    if "referral_hours" not in request.memo:
        if daily.usable(request):
            request.memo["referral_hours"] = {
                datetime.combine(day, time(hour), tzinfo=UK): n
                for (day, hour), n in daily.sums(request).hours.items()
            }
        else:
            request.memo["referral_hours"] = local_hours(referrals(request))
    found: dict[datetime, int] = request.memo["referral_hours"]
    return found


def referrals_by_month(request: ReportRequest) -> Table:
    counts: dict[tuple[int, int], int] = {}
    for local, n in referrals_by_local_hour(request).items():
        counts[(local.year, local.month)] = counts.get((local.year, local.month), 0) + n
    rows = [
        (date(y, m, 1).strftime("%B %Y"), [counts.get((y, m), 0)])
        for y, m in _months(request.start, request.end)
    ]
    return counts_table(
        "referrals_by_month",
        "Referrals by month",
        "Month",
        rows,
        notes=["The first and last months count only the days inside the period."],
    )


def referrals_by_weekday(request: ReportRequest) -> Table:
    counts: dict[int, int] = {}
    for local, n in referrals_by_local_hour(request).items():
        counts[local.isoweekday()] = counts.get(local.isoweekday(), 0) + n
    rows = [(day, [counts.get(i, 0)]) for i, day in enumerate(WEEKDAYS, start=1)]
    return counts_table(
        "referrals_by_weekday",
        "Referrals by day of the week",
        "Day",
        rows,
        percent=True,
        notes=["Days are UK local time."],
    )


def referrals_by_hour(request: ReportRequest) -> Table:
    counts: dict[int, int] = {}
    for local, n in referrals_by_local_hour(request).items():
        counts[local.hour] = counts.get(local.hour, 0) + n
    rows = [(f"{h:02d}:00 to {h:02d}:59", [counts.get(h, 0)]) for h in range(24)]
    return counts_table(
        "referrals_by_hour",
        "Referrals by hour of the day",
        "Hour submitted",
        rows,
        percent=True,
        notes=["Hours are UK local time (GMT or BST)."],
    )


CONVERSION_ROWS = (
    (ReferralStatus.ACCEPTED, "Accepted: a case was opened"),
    (ReferralStatus.MERGED, "Accepted: added to an existing case"),
    (ReferralStatus.DECLINED, "Declined"),
    (ReferralStatus.REDIRECTED, "Redirected to another service"),
    (ReferralStatus.SUBMITTED, "Awaiting triage"),
)


def referral_conversion(request: ReportRequest) -> Table:
    """Referred, then accepted, then a case: each referral in the period by where it went."""
    counts: dict[Any, int] = (
        dict(daily.sums(request).of("status"))
        if daily.usable(request)
        else _grouped(referrals(request), F("status"))
    )
    rows = [(label, [counts.get(status, 0)]) for status, label in CONVERSION_ROWS]
    return counts_table(
        "referral_conversion",
        "Referrals by triage outcome (referred, accepted, case)",
        "Outcome of triage",
        rows,
        percent=True,
    )


# The triage clock: decided by the due time, decided after it, or still waiting.
CLOCK_ROWS = (
    ("within", "Decided within the triage clock"),
    ("after", "Decided after the due time"),
    ("waiting", "Awaiting triage, not yet due"),
    ("overdue", "Awaiting triage, overdue"),
)


class MicrosecondsToDecision(Func):
    """Whole microseconds from submission to the triage decision, exact, computed by the
    database itself (on SQLite, Django's datetime subtraction is a Python function called for
    every row: most of the triage table's time at a borough's size)."""

    output_field = BigIntegerField()

    def __init__(self) -> None:
        super().__init__(F("decided_at"), F("submitted_at"))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps an aware datetime as UTC text, "YYYY-MM-DD HH:MM:SS" and, when there
        # are any, six digits of microseconds after a point (character 21 on).
        (decided, decided_params), (submitted, submitted_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = (
            f"((strftime('%%s', {decided}) - strftime('%%s', {submitted})) * 1000000"
            f" + CAST(substr({decided}, 21, 6) AS INTEGER)"
            f" - CAST(substr({submitted}, 21, 6) AS INTEGER))"
        )
        params = (*decided_params, *submitted_params, *decided_params, *submitted_params)
        return sql, params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) * 1000000 AS bigint)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ")


def _clock(now: datetime) -> Switch:
    decided = Q(decided_at__isnull=False)
    return Switch(
        When(decided & Q(decided_at__lte=F("triage_due_at")), then=Value("within")),
        When(decided, then=Value("after")),
        When(triage_due_at__lt=now, then=Value("overdue")),
        default=Value("waiting"),
    )


def _middle(n: int) -> range:
    """The positions of the middle one (odd `n`) or two (even `n`) of `n` values in order."""
    return range((n - 1) // 2, n // 2 + 1)


def decision_medians(rows: QuerySet[Referral]) -> dict[str, Decimal | None]:
    """The median hours from submission to decision of the decided referrals among `rows`:
    of those decided within the triage clock ("within"), after it ("after") and all of them
    ("decided"), from one read of every decided referral's time to decision in order (exact
    microseconds, computed and sorted by the database)."""
    on_time = Switch(
        When(decided_at__lte=F("triage_due_at"), then=Value("within")), default=Value("after")
    )
    ordered = (
        rows.filter(decided_at__isnull=False)
        .order_by()
        .annotate(took=MicrosecondsToDecision(), clock=on_time)
        .order_by("took")
        .values_list("took", "clock")
    )
    groups: dict[str, list[int]] = {"within": [], "after": [], "decided": []}
    for took, clock in ordered:
        groups[clock].append(took)
        groups["decided"].append(took)
    return _medians(
        {
            name: [values[i] for i in _middle(len(values))] if values else []
            for name, values in groups.items()
        }
    )


def _medians(middles: dict[str, list[int]]) -> dict[str, Decimal | None]:
    """Median hours (to 0.1) from the middle one or two microsecond values of each group."""
    medians: dict[str, Decimal | None] = dict.fromkeys(middles)
    for name, middle in middles.items():
        if middle:
            seconds = sum(middle) / len(middle) / 1_000_000
            medians[name] = (Decimal(seconds) / 3600).quantize(Decimal("0.1"))
    return medians


def _clock_counts(
    request: ReportRequest, rows: QuerySet[Referral], now: datetime
) -> dict[Any, int]:
    """The referrals by the triage clock's rows: the decided ones from the daily
    pre-aggregate when it may be read (they stay where they are), the waiting ones counted now
    (whether they are overdue moves with the time alone)."""
    if not daily.usable(request):
        return _grouped(rows, _clock(now))
    decided = daily.sums(request).of("clock")
    waiting = rows.filter(decided_at__isnull=True).aggregate(
        overdue=Count("pk", filter=Q(triage_due_at__lt=now)), all=Count("pk")
    )
    return {
        "within": decided.get("within", 0),
        "after": decided.get("after", 0),
        "overdue": waiting["overdue"],
        "waiting": waiting["all"] - waiting["overdue"],
    }


def triage_timeliness(request: ReportRequest) -> Table:
    now = timezone.now()
    rows = referrals(request)
    counts = _clock_counts(request, rows, now)
    table = counts_table(
        "triage_timeliness",
        "Time to triage against the clock",
        "Triage",
        [(label, [counts.get(code, 0)]) for code, label in CLOCK_ROWS],
        percent=True,
        notes=["Median hours from submission to the triage decision, for decided referrals."],
    )
    medians = (
        _medians(daily.middle_took(request)) if daily.usable(request) else decision_medians(rows)
    )
    figures = [medians["within"], medians["after"], None, None, medians["decided"]]
    return with_figure_column(table, "Median hours to decision", figures)


def with_figure_column(table: Table, heading: str, values: Sequence[Decimal | None]) -> Table:
    """`table` with a column of figures (not counts: never suppressed) after its others."""
    rows = tuple((*row, value) for row, value in zip(table.rows, values, strict=True))
    return replace(table, columns=(*table.columns, Column(heading, "figure")), rows=rows)


# ---------------------------------------------------------------------------------------------
# Cases


def cases_opened_count(request: ReportRequest) -> int:
    if daily.usable(request):
        return case_daily.sums(request).of("opened").get("", 0)
    return cases_opened(request).count()


def cases_closed_count(request: ReportRequest) -> int:
    if daily.usable(request):
        return case_daily.sums(request).of("closed").get("all", 0)
    return cases_closed(request).count()


def open_at_end_by_band(request: ReportRequest) -> dict[str, int]:
    """Cases open at the end of the period by risk band ("" not assessed): running totals of
    the daily case counts when they may be read (decision 0125), else one GROUP BY."""
    if daily.usable(request):
        return case_daily.sums(request).open_at_end()
    # Grouped by an expression, not the column: SQLite would otherwise walk the whole band
    # index to save a sort, rather than read the period's cases by their dates.
    return _grouped(cases_open_at_end(request), Coalesce("risk_band", Value("")))


def cases_open_at_end_count(request: ReportRequest) -> int:
    return sum(open_at_end_by_band(request).values())


def open_cases_by_risk(request: ReportRequest) -> Table:
    counts = dict(open_at_end_by_band(request))
    rows = [(label, [counts.pop(code, 0)]) for code, label in RISK_BANDS]
    rows[-1][1][0] += sum(counts.values())  # a band no longer in the instruments
    return counts_table(
        "open_cases_by_risk",
        "Cases open at the end of the period by risk band",
        "Risk band",
        rows,
        percent=True,
        notes=["The band is the case's latest risk assessment."],
    )


def outcome_codes() -> list[tuple[str, str]]:
    """The six Stockport outcomes first, in the evaluation's order, then the rest."""
    codes = outcomes()
    rest = [c for c in codes.values if c not in STOCKPORT_OUTCOMES]
    return [(code, codes.label(code)) for code in (*STOCKPORT_OUTCOMES, *rest)]


def closed_case_outcomes(request: ReportRequest) -> Table:
    if daily.usable(request):
        found = case_daily.sums(request).of("outcome")
        rows = [(label, [found.get(code, 0)]) for code, label in outcome_codes()]
        rows.append(("No outcome recorded", [found.get("", 0)]))
    else:
        rows = _coded(
            request, cases_closed(request), "outcomes", outcome_codes(), "No outcome recorded"
        )
    return counts_table(
        "closed_case_outcomes",
        "Outcomes of cases closed in the period",
        "Outcome",
        rows,
        notes=[MULTI_NOTE.format(noun="Cases", what="outcome")],
    )


# ---------------------------------------------------------------------------------------------
# Repeats


def _by_repeats(per_key: QuerySet[Any]) -> dict[str, int]:
    """How many keys (people, addresses) had 1, 2, and 3 or more records: one query over the
    per-key counts."""
    found = per_key.aggregate(
        once=Count("k", filter=Q(n=1)),
        twice=Count("k", filter=Q(n=2)),
        more=Count("k", filter=Q(n__gte=3)),
    )
    return {key: int(value or 0) for key, value in found.items()}


def _repeats_table(
    name: str, title: str, label: str, per_key: QuerySet[Any], rows: Sequence[str], note: str = ""
) -> Table:
    """Keys (people, addresses) by how many records named them: once, twice, 3 or more."""
    found = _by_repeats(per_key)
    counts = zip(rows, ([found["once"]], [found["twice"]], [found["more"]]), strict=True)
    return counts_table(
        name, title, label, list(counts), percent=True, notes=[note] if note else []
    )


def repeat_victims(request: ReportRequest) -> Table:
    """People a referral in the period was about (as victim or person at risk), by how many
    such referrals named them."""
    per_person = (
        daily.per_key(request, "person")
        if daily.usable(request)
        else referrals(request)
        .order_by()
        .filter(subjects__role__in=AT_RISK_ROLES, subjects__person__isnull=False)
        .values(k=F("subjects__person"))
        .annotate(n=Count("pk", distinct=True))
    )
    return _repeats_table(
        "repeat_victims",
        "People at risk by referrals in the period (repeat victims)",
        "Referrals naming them",
        per_person,
        ("Referred once", "Referred twice", "Referred 3 or more times"),
        "People named as a victim or person at risk, once matched to a person record.",
    )


def repeat_addresses(request: ReportRequest) -> Table:
    """Register addresses of the referrals in the period, by how many referrals named them."""
    per_address = (
        daily.per_key(request, "address")
        if daily.usable(request)
        else referrals(request)
        .order_by()
        .filter(address__isnull=False)
        .values(k=F("address"))
        .annotate(n=Count("pk"))
    )
    return _repeats_table(
        "repeat_addresses",
        "Addresses by referrals in the period (repeat addresses)",
        "Referrals at the address",
        per_address,
        ("One referral", "Two referrals", "3 or more referrals"),
    )


def repeat_alerts_raised(request: ReportRequest) -> int:
    """Repeat-address alerts the rule raised in the period (in the ward asked for)."""
    start, end = period_bounds(request)
    rows = counted(request.user, RepeatAddressAlert).filter(raised_at__gte=start, raised_at__lt=end)
    if request.ward:
        rows = rows.filter(address__ward=request.ward)
    return rows.count()
