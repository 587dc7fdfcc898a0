"""A report as CSV or as an OpenDocument spreadsheet, for the period in the address."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.http import HttpRequest, HttpResponse

from nestguard.access.rules import REPORTING, access_rule
from nestguard.reporting import exports
from nestguard.reporting.reading import read_report
from nestguard.reporting.views.common import asked_for

ODS = "application/vnd.oasis.opendocument.spreadsheet"


def _refused(form_errors: Mapping[str, Iterable[object]]) -> HttpResponse:
    """Bad dates or filters: the messages, as the page would show them, with 400."""
    lines = [str(m) for messages in form_errors.values() for m in messages]
    return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")


def _download(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    user, spec, form, asked = asked_for(request, name)
    if asked is None:
        return _refused(form.errors)
    report = read_report(user, spec, asked, output=extension).report
    if extension == "csv":
        response = HttpResponse(exports.to_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.to_ods(report), content_type=ODS)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(report, extension)}"'
    )
    return response


@access_rule(REPORTING)
def report_csv(request: HttpRequest, name: str) -> HttpResponse:
    return _download(request, name, "csv")


@access_rule(REPORTING)
def report_ods(request: HttpRequest, name: str) -> HttpResponse:
    return _download(request, name, "ods")
