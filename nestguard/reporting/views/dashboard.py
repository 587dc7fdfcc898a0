"""The partnership dashboard (issue 11, point 1; decision 0093): for a period and optionally
a ward or an agency, the partnership's picture as charts, each with its table beside it, and
the referrals by ward on a map of the wards that needs no tile server.

Counts only, never names. Every panel is a measure of `reporting.measures` (true counts, read
through the door's reporting scope), suppressed here exactly once; the chart, the table and
the map are all drawn from that one suppressed table, so none can show what another hides.
One audit event per view names the period and the filters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nestguard.access.door import record_search
from nestguard.access.rules import REPORTING, access_rule, signed_in_user
from nestguard.accounts.models import Agency
from nestguard.places.selectors import ward_outlines
from nestguard.places.views.pages import _map_policy
from nestguard.reporting import measures
from nestguard.reporting.charts import Chart, ChartKind, chart
from nestguard.reporting.dashboard_form import DashboardForm, last_complete_months
from nestguard.reporting.registry import ReportRequest
from nestguard.reporting.suppression import is_suppressed, suppress
from nestguard.reporting.tables import Cell, Table

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


@dataclass(frozen=True)
class ShownPanel:
    table: Table
    chart: Chart | None
    view: TableView


@access_rule(REPORTING)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    wards = measures.reportable_wards(user)
    agencies = [
        (str(pk), name) for pk, name in Agency.objects.order_by("name").values_list("pk", "name")
    ]
    start, end = last_complete_months(timezone.localdate())
    bound = bool(request.GET)
    form = DashboardForm(
        request.GET if bound else None,
        wards=wards,
        agencies=agencies,
        initial={"start": start, "end": end},
    )
    context: dict[str, Any] = {"form": form, "panels": [], "ward_panel": None}
    if bound and not form.is_valid():
        # Bad filters read nothing: the error summary, and no figures from another period.
        return render(request, "reporting/dashboard.html", context)
    data = form.cleaned_data if bound else {}
    ward: str = data.get("ward") or ""
    agency_id: str = data.get("agency") or ""
    report = ReportRequest(
        user, data.get("start", start), data.get("end", end), ward, agency_id or None
    )
    panels = [_shown(panel, suppress(panel.measure(report))) for panel in PANELS]
    ward_panel = _ward_panel(report)
    record_search(
        user,
        "dashboard.read",
        purpose="reporting",
        terms={
            "report": "dashboard",
            "from": report.start.isoformat(),
            "to": report.end.isoformat(),
            "ward": ward,
            "agency": dict(agencies).get(agency_id, ""),
        },
        found=len(panels) + 1,  # the tables shown, the ward table among them
    )
    context.update(
        panels=panels,
        ward_panel=ward_panel,
        report=report,
        ward_after=WARD_AFTER,
        agency_name=dict(agencies).get(agency_id, ""),
        tile_url=settings.NESTGUARD_MAP_TILE_URL,
        tile_attribution=settings.NESTGUARD_MAP_ATTRIBUTION,
    )
    response = render(request, "reporting/dashboard.html", context)
    response["Content-Security-Policy"] = _map_policy()
    return response


def _shown(panel: Panel, table: Table) -> ShownPanel:
    drawn = chart(table, panel.kind, column=panel.column) if panel.chart else None
    return ShownPanel(table, drawn, table_view(table))


# ---------------------------------------------------------------------------------------------
# The ward map: each ward's outline coloured by its (suppressed) count of referrals.

# Five blues from light to dark (GOV.UK palette tints), then the colour of a withheld ward.
BANDS = ("#d2e2f1", "#8eb8dc", "#5694ca", "#1d70b8", "#003078")
NO_REFERRALS = "#ffffff"
WITHHELD = "#f3f2f1"


@dataclass(frozen=True)
class LegendEntry:
    key: str  # "0".."4", "zero", "withheld"
    label: str
    colour: str


@dataclass(frozen=True)
class WardPanel:
    table: Table
    view: TableView
    features: list[dict[str, Any]]
    legend: list[LegendEntry]
    unmapped: list[str]  # wards in the table with no imported outline


def _ward_panel(report: ReportRequest) -> WardPanel:
    table = suppress(WARD_MEASURE(report))
    counts = _ward_cells(table)
    shown = sorted({v for v in counts.values() if isinstance(v, int) and v > 0})
    breaks = _breaks(shown)
    outlines = ward_outlines()
    features = []
    for name, geometry in outlines.items():
        cell = counts.get(name, 0)
        key = _band(cell, breaks)
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "name": name,
                    "shown": "[c]" if is_suppressed(cell) else str(cell or 0),
                    "band": key,
                    "colour": _colour(key),
                },
            }
        )
    return WardPanel(
        table=table,
        view=table_view(table),
        features=features,
        legend=_legend(breaks),
        unmapped=sorted(name for name in counts if name not in outlines),
    )


def _ward_cells(table: Table) -> dict[str, Cell]:
    counts = table.count_columns()
    rows = table.rows[:-1] if table.total_row else table.rows
    return {str(row[0]): row[counts[0]] for row in rows} if counts else {}


def _breaks(values: list[int]) -> list[int]:
    """The lower bound of each colour band: equal steps from the least to the most shown."""
    if not values:
        return []
    low, high = values[0], values[-1]
    bands = min(len(BANDS), len(values))
    step = max(1, (high - low + 1) / bands)
    return sorted({low + round(i * step) for i in range(bands)})


def _band(cell: Cell, breaks: list[int]) -> str:
    if is_suppressed(cell):
        return "withheld"
    value = int(cell or 0) if isinstance(cell, int) else 0
    if value == 0 or not breaks:
        return "zero"
    return str(max(i for i, low in enumerate(breaks) if value >= low))


def _colour(key: str) -> str:
    if key == "withheld":
        return WITHHELD
    if key == "zero":
        return NO_REFERRALS
    return BANDS[int(key)]


def _legend(breaks: list[int]) -> list[LegendEntry]:
    entries = [LegendEntry("zero", "No referrals", NO_REFERRALS)]
    for i, low in enumerate(breaks):
        high = breaks[i + 1] - 1 if i + 1 < len(breaks) else None
        label = (
            f"{low} or more" if high is None else (f"{low}" if high == low else f"{low} to {high}")
        )
        entries.append(LegendEntry(str(i), label, BANDS[i]))
    entries.append(LegendEntry("withheld", "[c]: a small number, withheld", WITHHELD))
    return entries


# ---------------------------------------------------------------------------------------------
# Tables as the page prints them.


@dataclass(frozen=True)
class TableCell:
    text: str
    numeric: bool
    header: bool = False


@dataclass(frozen=True)
class TableView:
    name: str
    title: str
    headings: list[TableCell]
    rows: list[list[TableCell]]
    notes: tuple[str, ...]


def table_view(table: Table) -> TableView:
    numeric = [column.kind != "label" for column in table.columns]
    headings = [TableCell(c.heading, n) for c, n in zip(table.columns, numeric, strict=True)]
    rows = [
        [
            TableCell(_text(cell, table.columns[i].kind), numeric[i], header=i == 0)
            for i, cell in enumerate(row)
        ]
        for row in table.rows
    ]
    return TableView(table.name, table.title, headings, rows, table.notes)


def _text(cell: Cell, kind: str) -> str:
    if cell is None:
        return "Not applicable" if kind != "label" else ""
    if kind == "percent" and not is_suppressed(cell):
        return f"{cell}%"
    if kind == "money" and not is_suppressed(cell):
        return f"£{cell:,}"
    if isinstance(cell, int):
        return f"{cell:,}"
    return str(cell)
