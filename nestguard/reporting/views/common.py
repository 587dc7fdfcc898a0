"""What the report views share: the named report (or 404) and the period asked for."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from nestguard.access.rules import signed_in_user
from nestguard.accounts.models import User
from nestguard.reporting.forms import ReportPeriodForm, report_form
from nestguard.reporting.period import Asked
from nestguard.reporting.registry import Report, ReportSpec, report_spec


def spec_or_404(name: str) -> ReportSpec:
    try:
        return report_spec(name)
    except LookupError:
        raise Http404 from None


def asked_for(
    request: HttpRequest, name: str
) -> tuple[User, ReportSpec, ReportPeriodForm, Asked | None]:
    """The user, the report, its period form and what may be run (None when the form has
    errors)."""
    user = signed_in_user(request)
    spec = spec_or_404(name)
    form, asked = report_form(request.GET, user)
    return user, spec, form, asked


def figure_label(key: str) -> str:
    """`cases_open_at_end` as "Cases open at end"."""
    return key.replace("_", " ").capitalize()


def display(report: Report) -> dict[str, object]:
    """The report laid out for the templates: each table's headings and rows with each cell's
    kind (a row heading, a number, text), and the figures with their labels."""
    tables = []
    for table in report.tables:
        numeric = [column.kind != "label" for column in table.columns]
        rows = [
            [
                {"value": "" if cell is None else cell, "numeric": numeric[i], "header": i == 0}
                for i, cell in enumerate(row)
            ]
            for row in table.rows
        ]
        headings = [
            {"text": column.heading, "numeric": numeric[i]}
            for i, column in enumerate(table.columns)
        ]
        tables.append({"table": table, "headings": headings, "rows": rows})
    figures = [(figure_label(key), value) for key, value in report.figures.items()]
    return {"tables": tables, "figures": figures}
