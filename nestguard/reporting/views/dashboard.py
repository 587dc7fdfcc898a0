"""The partnership dashboard (issue 11, point 1; decision 0093): for a period and optionally
a ward or an agency, the partnership's picture as charts, each with its table beside it, and
the referrals by ward on a map of the wards that needs no tile server.

Counts only, never names. Every panel is a measure of `reporting.measures` (true counts, read
through the door's reporting scope); the panels are built together like a report (cached
while nothing counted changes, `reporting.reading.build_true`) and suppressed exactly once;
the chart, the table and the map are all drawn from that one suppressed table, so none can
show what another hides. The period and filters are checked as the reports check them
(`reporting.period.problems`). One audit event per view names the period and the filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from nestguard.access.door import record_search
from nestguard.access.rules import REPORTING, access_rule, signed_in_user
from nestguard.places.maps import map_policy
from nestguard.places.selectors import ward_outlines, ward_outlines_stamp
from nestguard.reporting import measures
from nestguard.reporting.charts import Chart, chart
from nestguard.reporting.dashboard import DASHBOARD, PANELS, TITLE, WARD_AFTER
from nestguard.reporting.exports import LEGEND
from nestguard.reporting.forms import report_form
from nestguard.reporting.period import last_complete_months
from nestguard.reporting.reading import Built, prepared
from nestguard.reporting.registry import Report
from nestguard.reporting.suppression import is_suppressed
from nestguard.reporting.tables import Cell, Table
from nestguard.reporting.views.common import display, period_fields, rendered_once


@dataclass(frozen=True)
class ShownPanel:
    table: Table
    chart: Chart | None
    view: dict[str, Any]  # the table laid out for the template (views.common.display)


@access_rule(REPORTING)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form, asked = report_form(request.GET, user, default=last_complete_months)
    context: dict[str, Any] = {"form": form, "title": TITLE, "period_fields": period_fields(form)}
    if asked is None:
        # Bad filters read nothing: the error summary, and no figures from another period.
        return render(request, "reporting/dashboard.html", context)
    built = prepared(user, DASHBOARD, asked)
    context.update(refresh_url=request.get_full_path(), current=True)
    if built is None:
        # Being prepared by the job queue (decision 0112): nothing counted is shown yet, so
        # nothing is read and nothing recorded.
        context.update(preparing=True)
        return render(request, "reporting/dashboard.html", context)
    agencies: dict[str, str] = dict(form.fields["agency"].choices)  # type: ignore[attr-defined]
    agency_name = agencies.get(str(asked.agency_id or ""), "")
    # The panels of one prepared copy are the same HTML for every request that shows it: laid
    # out once per process (decision 0129). The ward outlines drawn on the map are part of it.
    key = (
        None
        if built.copy is None
        else ("dashboard", built.copy, agency_name, ward_outlines_stamp())
    )
    shown, figures = rendered_once(key, lambda: _figures(built))
    record_search(
        user,
        "dashboard.read",
        purpose="reporting",
        terms={"report": "dashboard", **asked.terms()},
        found=len(shown.tables),
    )
    context.update(
        figures=figures,
        report=shown,
        as_of=built.as_of,
        current=built.current,
        ward=asked.ward,
        agency_name=agency_name,
        legend=LEGEND,
    )
    response = render(request, "reporting/dashboard.html", context)
    response["Content-Security-Policy"] = map_policy()
    return response


def _figures(built: Built) -> tuple[Report, SafeString]:
    """The report suppressed (once) and its panels, charts, tables and ward map as HTML:
    nothing in them depends on who asks or on the request (no context processors)."""
    shown = built.shown if built.shown is not None else built.report.suppressed()
    *tables, ward_table = shown.tables
    views: list[dict[str, Any]] = display(shown)["tables"]  # type: ignore[assignment]
    panels = [
        ShownPanel(table, chart(table, p.kind, column=p.column) if p.chart else None, view)
        for p, table, view in zip(PANELS, tables, views[:-1], strict=True)
    ]
    html = render_to_string(
        "reporting/dashboard_panels.html",
        {
            "panels": panels,
            "ward_panel": _ward_panel(ward_table, views[-1]),
            "ward_after": WARD_AFTER,
            "tile_url": settings.NESTGUARD_MAP_TILE_URL,
            "tile_attribution": settings.NESTGUARD_MAP_ATTRIBUTION,
        },
    )
    return shown, mark_safe(html)  # noqa: S308 (rendered by the template engine, escaped there)


# ---------------------------------------------------------------------------------------------
# The ward map: each ward's outline coloured by its (suppressed) count of referrals.

# Five blues from light to dark (GOV.UK palette tints), then the colour of a withheld ward.
BANDS = ("#d2e2f1", "#8eb8dc", "#5694ca", "#1d70b8", "#003078")
NO_REFERRALS = "#ffffff"
WITHHELD = "#f3f2f1"
OTHER = "#b1b4b6"


@dataclass(frozen=True)
class LegendEntry:
    key: str  # "0".."4", "zero", "withheld"
    label: str
    colour: str


@dataclass(frozen=True)
class WardPanel:
    table: Table
    view: dict[str, Any]
    features: list[dict[str, Any]]
    legend: list[LegendEntry]
    unmapped: list[str]  # wards in the table with no imported outline


def _ward_panel(table: Table, view: dict[str, Any]) -> WardPanel:
    counts = _ward_cells(table)
    breaks = _breaks(sorted({v for v in counts.values() if isinstance(v, int) and v > 0}))
    outlines = ward_outlines()
    features: list[dict[str, Any]] = []
    for name, geometry in outlines.items():
        if name in counts:
            cell = counts[name]
            key = _band(cell, breaks)
            label = "[c]" if is_suppressed(cell) else str(cell or 0)
        else:  # too small to show alone: in the table's "Other wards"
            key, label = "other", f"counted in “{measures.OTHER_WARDS}”"
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"name": name, "shown": label, "band": key, "colour": _colour(key)},
            }
        )
    others = any(f["properties"]["band"] == "other" for f in features)
    return WardPanel(
        table=table,
        view=view,
        features=features,
        legend=_legend(breaks, others=others),
        unmapped=sorted(name for name in counts if name not in outlines),
    )


def _ward_cells(table: Table) -> dict[str, Cell]:
    counts = table.count_columns()
    rows = table.rows[:-1] if table.total_row else table.rows
    not_wards = {measures.OTHER_WARDS, measures.NO_WARD}
    return {str(r[0]): r[counts[0]] for r in rows if r[0] not in not_wards} if counts else {}


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
    if key == "other":
        return OTHER
    return BANDS[int(key)]


def _legend(breaks: list[int], *, others: bool) -> list[LegendEntry]:
    entries = [LegendEntry("zero", "No referrals", NO_REFERRALS)]
    for i, low in enumerate(breaks):
        high = breaks[i + 1] - 1 if i + 1 < len(breaks) else None
        label = (
            f"{low} or more" if high is None else (f"{low}" if high == low else f"{low} to {high}")
        )
        entries.append(LegendEntry(str(i), label, BANDS[i]))
    entries.append(LegendEntry("withheld", "[c]: a small number, withheld", WITHHELD))
    if others:
        entries.append(
            LegendEntry("other", f"Too small to show alone ({measures.OTHER_WARDS})", OTHER)
        )
    return entries
