"""The project evaluation report, in the shape of the Stockport cuckooing project's annual
evaluation (shared seed 002; issue 11 points 2 and 4; decision 0092): cases in the period and
how they ended, the outcome table, where referrals came from, what about and where, and the
cost-benefit "tenancies saved times the void cost avoided, less the project's cost".

Every count is a true count here; `Report.suppressed` hides the small ones on the way out,
with the headline figures protected as a sum (cases = positively resolved + moved + other
closed + ongoing) and the savings shown as [c] whenever the tenancies saved they are computed
from are.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count

from nestguard.access.door import visible
from nestguard.cases.models import outcomes
from nestguard.reporting import case_daily, daily, measures
from nestguard.reporting.costs import (
    FORMULA,
    MINUS,
    TIMES,
    CostBenefit,
    CostShare,
    money,
    project_cost,
    shares,
    tenancy_saved_rule,
    unit_costs,
)
from nestguard.reporting.models import ProjectCost
from nestguard.reporting.registry import Report, ReportRequest, ReportSpec, register_report
from nestguard.reporting.tables import Cell, Column, Table, counts_table

# The GSS symbol for "not applicable": a net saving for one ward set against the whole
# partnership's project cost would mean nothing.
NOT_APPLICABLE = "[z]"
HEADLINE = ("cases", "positively_resolved", "moved", "other_closed", "ongoing")
SAVINGS = ("gross_saving", "net_saving", "cost_benefit_formula")


def headline(request: ReportRequest) -> dict[str, int]:
    """Cases in the period (open at some time in it: closed in it, or still open at its end)
    and how they stood at its end. The parts add up to the cases by construction: a closed
    case that moved counts as moved whatever its resolution; one positively resolved and not
    moved as positively resolved; any other as other closed. From the daily case counts when
    they may be read (decision 0125), else counted live."""
    if daily.usable(request):
        closed = dict(case_daily.sums(request).of("closed"))
        closed["closed"] = closed.get("all", 0)
    else:
        closed = (
            measures.cases_closed(request)
            .order_by()
            .aggregate(
                closed=Count("pk"),
                **{name: Count("pk", filter=q) for name, q in case_daily.closed_flags().items()},
            )
        )
    ongoing = measures.cases_open_at_end_count(request)
    resolved, moved = closed.get("positively_resolved", 0), closed.get("moved", 0)
    return {
        "cases": closed["closed"] + ongoing,
        "positively_resolved": resolved,
        "moved": moved,
        "other_closed": closed["closed"] - resolved - moved,
        "ongoing": ongoing,
        "tenancies_saved": closed.get("tenancies_saved", 0),
    }


# The rows of the cases table, each the headline figure of the same count.
CASE_ROWS = (
    ("positively_resolved", "Positively resolved (not moved)"),
    ("moved", "Moved to another property or borough"),
    ("other_closed", "Closed otherwise (declined, not resolved)"),
    ("ongoing", "Ongoing at the end of the period"),
    ("cases", "Total"),
)


def links() -> tuple[tuple[str, str, str], ...]:
    """Figures that are also cells: each headline figure is a row of the cases table, and the
    cases that moved are also the outcome table's "moved" row (suppressed together)."""
    rows = tuple((key, "cases_in_period", label) for key, label in CASE_ROWS)
    return (*rows, ("moved", "closed_case_outcomes", outcomes().label("moved")))


def cases_table(figures: dict[str, int]) -> Table:
    return counts_table(
        "cases_in_period",
        "Cases in the period and how they stood at its end",
        "Cases",
        [(label, [figures[key]]) for key, label in CASE_ROWS[:-1]],
        percent=True,
        notes=[
            "Positively resolved + moved + closed otherwise + ongoing = cases in the period: "
            "the total row is that sum, and a test reconciles it with the case records."
        ],
    )


def cost_shares(request: ReportRequest) -> list[CostShare]:
    """The project costs entered for periods overlapping the report's, with their days in it."""
    entries = visible(request.user, ProjectCost).filter(
        starts_on__lte=request.end, ends_on__gte=request.start
    )
    return shares(entries, request.start, request.end)


def costs_table(found: list[CostShare], total: Decimal) -> Table:
    columns = (
        Column("Project", "label"),
        Column("Cost from", "label"),
        Column("Cost to", "label"),
        Column("Amount (£)", "money"),
        Column("Days of the cost in the period", "figure"),
        Column("Days the cost covers", "figure"),
        Column("Share in the period (£)", "money"),
    )
    rows: list[tuple[Cell, ...]] = [
        (
            s.project,
            s.start.isoformat(),
            s.end.isoformat(),
            s.amount,
            s.days_in_period,
            s.days,
            s.share,
        )
        for s in found
    ]
    rows.append(("Total", None, None, None, None, None, total))
    return Table(
        "project_costs",
        "Project costs in the period (pro-rated by days)",
        columns,
        tuple(rows),
        notes=(
            "Each cost counts by the share of its days that fall in the period: its amount "
            "times its days in the period, divided by the days it covers, to the penny. The "
            "total is the sum of the shares.",
        ),
    )


def build(request: ReportRequest) -> Report:
    counts = headline(request)
    rule = tenancy_saved_rule()
    unit = unit_costs()[rule.unit_cost]
    found = cost_shares(request)
    cost = project_cost(found)
    benefit = CostBenefit(counts["tenancies_saved"], unit, cost)
    filtered = bool(request.ward or request.agency_id)
    figures: dict[str, Cell] = {
        **counts,
        "unit_cost": unit.value,
        "gross_saving": benefit.gross_saving,
        "project_cost": cost,
        "net_saving": NOT_APPLICABLE if filtered else benefit.net_saving,
        "cost_benefit_formula": NOT_APPLICABLE if filtered else benefit.formula,
    }
    tables = (
        cases_table(counts),
        measures.closed_case_outcomes(request),
        measures.referrals_by_source(request),
        measures.referrals_by_concern(request),
        measures.referrals_by_ward(request),
        costs_table(found, cost),
    )
    notes = [
        FORMULA.format(unit=f"{money(unit.value)} ({unit.label.lower()})"),
        f"Unit cost: {unit.reference}. Source: {unit.source_title}.",
        f"A tenancy saved is a case closed in the period that was {rule.describe().lower()} "
        "(local policy, from the Stockport evaluation's cost-benefit; "
        "nestguard/reporting/data/tenancy_saved.json).",
        "Project cost: the costs entered for periods overlapping this one, each pro-rated by "
        "the days it shares with it.",
        "Referral sources, concern types and wards are of the referrals received in the period.",
        "When tenancies saved is shown as [c], so are the savings computed from it.",
    ]
    if filtered:
        notes.append(
            "Project costs are the whole partnership's, so the net saving is not shown for "
            "one ward or agency ([z]: not applicable)."
        )
    return Report(
        name=SPEC.name,
        title=SPEC.title,
        start=request.start,
        end=request.end,
        tables=tables,
        figures=figures,
        not_counts=frozenset({"unit_cost", "project_cost", *SAVINGS}),
        notes=tuple(notes),
        sums=(HEADLINE,),
        links=links(),
        # At most the cases with the outcomes it counts (and often equal): hidden with them.
        bounded_by=tuple(
            ("tenancies_saved", "closed_case_outcomes", outcomes().label(code))
            for code in rule.counting
        ),
        derived=tuple((key, ("tenancies_saved",)) for key in SAVINGS),
    )


SPEC = register_report(
    ReportSpec(
        name="project_evaluation",
        title="Project evaluation",
        build=build,
        description=(
            "In the shape of the Stockport cuckooing project's evaluation: cases, positively "
            "resolved, moved and ongoing; outcomes; referral sources, types and wards; "
            f"cost-benefit (tenancies saved {TIMES} void cost avoided {MINUS} project cost)."
        ),
    )
)
