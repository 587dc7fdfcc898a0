"""What the partnership dashboard counts (decision 0093): its panels, in order, and the one
build of them, like a report's (true counts, prepared while nothing counted changes,
suppressed once on the way out). Here, not in its view, so that the job queue can prepare it
(decision 0112)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nestguard.reporting import measures
from nestguard.reporting.charts import ChartKind
from nestguard.reporting.registry import Report, ReportRequest, ReportSpec
from nestguard.reporting.tables import Table

Measure = Callable[[ReportRequest], Table]


@dataclass(frozen=True)
class Panel:
    measure: Measure
    kind: ChartKind = "bars"
    column: int | None = None  # the count column drawn (default: the first)
    chart: bool = True  # False: the table alone (a chart would add nothing)


# The panels in the order of issue 11, point 1; the ward panel is drawn as a map.
PANELS: tuple[Panel, ...] = (
    Panel(measures.referrals_by_source),
    Panel(measures.referrals_by_agency_type),
    Panel(measures.referrals_by_concern),
    Panel(measures.referrals_by_month, "line"),
    Panel(measures.referrals_by_weekday, "columns"),
    Panel(measures.referrals_by_hour, "columns"),
    Panel(measures.referral_conversion),
    Panel(measures.triage_timeliness),
    Panel(measures.open_cases_by_risk),
    Panel(measures.closed_case_outcomes),
    Panel(measures.repeat_victims),
    Panel(measures.repeat_addresses),
)
WARD_MEASURE: Measure = measures.referrals_by_ward
# Where the ward panel goes among the others: after the concern types.
WARD_AFTER = "referrals_by_concern"


# Built like a report (true counts, cached while nothing counted changes, suppressed once) but
# not registered as one: the dashboard has no export of its own; the reports have theirs.
def _build(request: ReportRequest) -> Report:
    tables = (*(panel.measure(request) for panel in PANELS), WARD_MEASURE(request))
    return Report("dashboard", TITLE, request.start, request.end, tables)


TITLE = "Partnership dashboard"
DASHBOARD = ReportSpec("dashboard", TITLE, _build)
