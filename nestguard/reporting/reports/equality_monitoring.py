"""Equality monitoring (issue 11 point 6, decision 0091): the people the partnership's cases
name, by ethnic group (the five 2021 census groups) and by sex, so that the board can see
whom it reaches and whom it pursues, and ask whether that is proportionate (the public
sector equality duty, Equality Act 2010 s.149).

A report of its own, not a table of the county lines review: it covers every case (adults
at risk of cuckooing as much as children), and the board reads it for a different question.
Counts only, suppressed like every report; these fields never feed a score (decision 0091).
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from nestguard.people import equality
from nestguard.reporting import case_daily, daily, measures
from nestguard.reporting.registry import Report, ReportRequest, ReportSpec, register_report
from nestguard.reporting.tables import Table, counts_table

SUSPECT_ROLES = case_daily.SUSPECT_ROLES


def _people(
    request: ReportRequest, roles: tuple[str, ...], measure: str
) -> list[tuple[str, str, int]]:
    """(sex, ethnicity, people) for the distinct people named in `roles` on the cases opened
    in the period: one GROUP BY (a person has one sex and one ethnicity, so counting them
    distinctly within each group counts each person once). Unfiltered, from the people each
    day of opened cases keeps (decision 0133), with their sex and ethnicity now."""
    if daily.usable(request):
        kept = (
            case_daily.people(request, measure)
            .values_list("person__sex", "person__ethnicity")
            .annotate(n=Count("person", distinct=True))
        )
        return [(sex or "", ethnicity or "", n) for sex, ethnicity, n in kept]
    rows = (
        measures.cases_opened(request)
        .order_by()
        .filter(subjects__role__in=roles)
        .values_list("subjects__person__sex", "subjects__person__ethnicity")
        .annotate(n=Count("subjects__person", distinct=True))
    )
    return [(sex or "", ethnicity or "", n) for sex, ethnicity, n in rows]


def by_ethnic_group_and_sex(
    request: ReportRequest, name: str, title: str, roles: tuple[str, ...], measure: str
) -> Table:
    people = _people(request, roles, measure)
    columns = equality.sex_columns()
    recorded = {code for code, _ in columns if code}
    ethnicity = equality.codes("ethnicity")
    counts: Counter[tuple[str, str]] = Counter()
    for sex, code, n in people:
        group = equality.ethnic_group(code) if code in ethnicity else equality.NOT_RECORDED
        counts[(group, sex if sex in recorded else "")] += n
    rows = [
        (group, [counts[(group, code)] for code, _ in columns])
        for group in equality.ethnic_groups()
    ]
    return counts_table(
        name,
        title,
        "Ethnic group",
        rows,
        counts=[heading for _, heading in columns],
        total_column=True,
        notes=[
            f"Each person once. Ethnic groups of the ONS 2021 census (code list version "
            f"{ethnicity.version}); sex as recorded.",
            equality.MONITORING_ONLY,
        ],
    )


def build(request: ReportRequest) -> Report:
    tables = (
        by_ethnic_group_and_sex(
            request,
            "people_at_risk_by_ethnicity_and_sex",
            "People at risk named on cases opened in the period, by ethnic group and sex",
            measures.AT_RISK_ROLES,
            "at_risk",
        ),
        by_ethnic_group_and_sex(
            request,
            "suspected_exploiters_by_ethnicity_and_sex",
            "Suspected exploiters named on cases opened in the period, by ethnic group and sex",
            SUSPECT_ROLES,
            "suspect",
        ),
    )
    return Report(
        name=SPEC.name,
        title=SPEC.title,
        start=request.start,
        end=request.end,
        tables=tables,
        figures={
            "people_at_risk": tables[0].rows[-1][-1],
            "suspected_exploiters": tables[1].rows[-1][-1],
        },
        notes=(equality.MONITORING_ONLY,),
    )


SPEC = register_report(
    ReportSpec(
        name="equality_monitoring",
        title="Equality monitoring",
        build=build,
        description=(
            "The people named on cases, at risk and suspected, by ethnic group and sex: for "
            "equality monitoring only; never used to assess risk."
        ),
    )
)
