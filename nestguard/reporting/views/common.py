"""What the report views share: the named report (or 404) and the period asked for."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from functools import partial
from typing import Any

from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from nestguard.access.rules import signed_in_user
from nestguard.accounts.models import User
from nestguard.core.memo import KeptLatest
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


def _row_html(cells: Sequence[Any], numeric: Sequence[bool]) -> SafeString:
    """One body row: its label as the row's header, numbers right-aligned (GOV.UK table).
    Built here rather than cell by cell in the template: a report has hundreds of cells."""
    label = format_html('<th scope="row" class="govuk-table__header">{}</th>', cells[0])
    rest = format_html_join(
        "",
        '<td class="govuk-table__cell{}">{}</td>',
        (
            (" govuk-table__cell--numeric" if numeric[i] else "", "" if cell is None else cell)
            for i, cell in enumerate(cells)
            if i > 0
        ),
    )
    return format_html('<tr class="govuk-table__row">{}{}</tr>', label, rest)


def display(report: Report) -> dict[str, object]:
    """The report laid out for the templates: each table's headings (and whether each column
    holds numbers) and its rows as HTML, and the figures with their labels."""
    tables = []
    for table in report.tables:
        numeric = [column.kind != "label" for column in table.columns]
        headings = [
            {"text": column.heading, "numeric": numeric[i]}
            for i, column in enumerate(table.columns)
        ]
        rows = [_row_html(row, numeric) for row in table.rows]
        tables.append({"table": table, "headings": headings, "rows": rows})
    figures = [(figure_label(key), value) for key, value in report.figures.items()]
    return {"tables": tables, "figures": figures}


# The figures of a prepared copy as HTML, per process (decision 0129): a copy never changes
# once stored (a newer count is a new copy, counted at another time), so its suppressed
# tables laid out as HTML are the same for every request that shows it. Keyed by what the
# HTML is made of (the report, its terms, when the copy was counted, whether it is current,
# and anything else drawn beside it); the page around them (the form, the navigation) and
# the `report.read`/`dashboard.read` event are made per request as before.
RENDERED_COPIES = 32
_rendered: KeptLatest[Any] = KeptLatest(RENDERED_COPIES)


def rendered_once(key: Hashable, make: Callable[[], Any]) -> Any:
    """`make()` the first time `key` is asked for in this process, the same value after (the
    latest RENDERED_COPIES kept); made every time when `key` is None (a count not stored)."""
    if key is None:
        return make()
    return _rendered.made(key, make)


# The period form's fields as HTML, per process (decision 0135): a field without errors is the
# same HTML for the same value and the same choices, whoever asks (a reporter's default view is
# the same form every time; a new period changes only the two dates, not the lists of wards
# and agencies). Laying out the form's four GOV.UK fields was about a fifth of the CPU of a
# page showing a prepared copy. A field with errors, and the error summary, are laid out every
# time: their messages may quote what was typed.
PERIOD_FIELDS = 256
FIELD_TEMPLATE = "reporting/period_field.html"
_period_fields: KeptLatest[SafeString] = KeptLatest(PERIOD_FIELDS)


def period_fields(form: ReportPeriodForm) -> SafeString:
    """The form's error summary and fields as GOV.UK components."""
    parts = [_laid_out("reporting/period_errors.html", form)] if form.errors else []
    for field in form:
        if field.errors:
            parts.append(_laid_out(FIELD_TEMPLATE, field))
            continue
        choices = tuple(getattr(field.field, "choices", ()))
        key = (field.name, field.form.is_bound, repr(field.value()), choices)
        parts.append(_period_fields.made(key, partial(_laid_out, FIELD_TEMPLATE, field)))
    return mark_safe("".join(parts))  # noqa: S308 (each part rendered and escaped by the engine)


def _laid_out(template: str, item: Any) -> SafeString:
    html = render_to_string(template, {"item": item})
    return mark_safe(html)  # noqa: S308 (rendered by the template engine, escaped there)
