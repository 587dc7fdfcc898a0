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
    conversion = by_name["referral_conversion"].rows
    victims = by_name["repeat_victims"].rows
    addresses = by_name["repeat_addresses"].rows
    figures = {
        "referrals": measures.referrals(request).count(),
        "referrals_accepted": int(conversion[0][1] or 0) + int(conversion[1][1] or 0),
        "cases_opened": measures.cases_opened(request).count(),
        "cases_closed": measures.cases_closed(request).count(),
        "cases_open_at_end": measures.cases_open_at_end(request).count(),
        "repeat_victims": int(victims[1][1] or 0) + int(victims[2][1] or 0),
        "repeat_addresses": int(addresses[1][1] or 0) + int(addresses[2][1] or 0),
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
