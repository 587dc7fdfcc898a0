"""The reports index, a report's page and its printable page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from nestguard.access.rules import REPORTING, access_rule
from nestguard.reporting.exports import LEGEND
from nestguard.reporting.period import Asked, min_days
from nestguard.reporting.reading import read_prepared, read_report
from nestguard.reporting.registry import ReportSpec, report_specs
from nestguard.reporting.views.common import asked_for, display, period_fields, rendered_once


@access_rule(REPORTING)
def index(request: HttpRequest) -> HttpResponse:
    """The reports the user may run (every reporting role may run every report)."""
    return render(
        request,
        "reporting/reports.html",
        {"specs": report_specs()},
    )


def _links(spec: ReportSpec, asked: Asked) -> dict[str, str]:
    query = "?" + urlencode(asked.terms())
    return {
        output: reverse(f"reporting:{output}", args=[spec.name]) + query
        for output in ("report", "print", "csv", "ods")
    } | {"api": reverse("api:report", args=[spec.name]) + query}


def _page(request: HttpRequest, name: str, *, output: str, template: str) -> HttpResponse:
    user, spec, form, asked = asked_for(request, name)
    context: dict[str, object] = {
        "spec": spec,
        "form": form,
        "legend": LEGEND,
        "min_days": min_days(),
    }
    if output == "page":
        context["period_fields"] = period_fields(form)
    if asked is not None:
        # The page answers at once: a report not yet prepared for this period is queued and
        # the page says so; the printable page (and every file) waits for it (decision 0112).
        read = read_prepared if output == "page" else read_report
        shown = read(user, spec, asked, output=output)
        context |= {"refresh_url": request.get_full_path(), "current": True}
        if shown is None:
            context["preparing"] = True
            return render(request, template, context)
        context |= {
            "current": shown.current,
            "report": shown.report,
            "as_of": shown.as_of,
            "links": _links(spec, asked),
        }
        # One shown copy's figures and tables are the same HTML for every request: laid out
        # once per process (decision 0129).
        context["body"] = rendered_once(
            None if shown.copy is None else ("report", shown.copy),
            lambda: mark_safe(  # noqa: S308 (rendered by the template engine, escaped there)
                render_to_string(
                    "reporting/report_body.html",
                    {
                        "report": shown.report,
                        "as_of": shown.as_of,
                        "legend": LEGEND,
                        **display(shown.report),
                    },
                )
            ),
        )
    return render(request, template, context)


@access_rule(REPORTING)
def report(request: HttpRequest, name: str) -> HttpResponse:
    return _page(request, name, output="page", template="reporting/report.html")


@access_rule(REPORTING)
def report_print(request: HttpRequest, name: str) -> HttpResponse:
    """The report alone, for printing: no navigation, no form, the print stylesheet."""
    return _page(request, name, output="print", template="reporting/report_print.html")
