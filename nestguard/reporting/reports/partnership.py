"""The partnership report: the picture a community safety partnership's board asks for
(issue 11 point 1): where referrals come from, what about, where and when, what triage made of
them and how fast, the cases' risk and outcomes, and who and where comes back."""

from __future__ import annotations

from nestguard.reporting import measures
from nestguard.reporting.registry import Report, ReportRequest, ReportSpec, register_report

TABLES = (
    measures.referrals_by_source,
    measures.referrals_by_agency_type,
    measures.referrals_by_concern,
    measures.referrals_by_ward,
    measures.referrals_by_month,
    measures.referrals_by_weekday,
    measures.referrals_by_hour,
    measures.referral_conversion,
    measures.triage_timeliness,
    measures.open_cases_by_risk,
    measures.closed_case_outcomes,
    measures.repeat_victims,
    measures.repeat_addresses,
)


def build(request: ReportRequest) -> Report:
    tables = tuple(measure(request) for measure in TABLES)
    by_name = {table.name: table for table in tables}
    # Headline counts are counted on their own, never added up from a table's cells: a sum
    # of cells beside a table with one of them suppressed would give that cell away.
    figures = {
        "referrals": measures.referrals(request).count(),
        "cases_opened": measures.cases_opened_count(request),
        "cases_closed": measures.cases_closed_count(request),
        "cases_open_at_end": measures.cases_open_at_end_count(request),
        "repeat_address_alerts": measures.repeat_alerts_raised(request),
        "median_hours_to_triage": by_name["triage_timeliness"].rows[-1][-1],
    }
    return Report(
        name=SPEC.name,
        title=SPEC.title,
        start=request.start,
        end=request.end,
        tables=tables,
        figures=figures,
        not_counts=frozenset({"median_hours_to_triage"}),
    )


SPEC = register_report(
    ReportSpec(
        name="partnership",
        title="Partnership report",
        build=build,
        description=(
            "Referrals by source, concern, ward and time; triage against the clock; open cases "
            "by risk; outcomes of closed cases; repeat victims and addresses."
        ),
    )
)
