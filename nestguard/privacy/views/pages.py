"""The data protection officer's pages: the record of processing activities and the DPIA,
generated from the system (decision 0103), on the page and as ODS and PDF files."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nestguard.access.rules import access_rule, signed_in_user
from nestguard.accounts.models import User
from nestguard.privacy import exports
from nestguard.privacy.ropa import impact_assessment, record_of_processing
from nestguard.privacy.rules import KEEPING_RECORDS, keeps_records
from nestguard.privacy.services.records import record_export_note

CONTENT_TYPES = {
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "pdf": "application/pdf",
}


def officer(request: HttpRequest) -> User:
    """The signed-in data protection officer of an active agency; the role gate answers 403
    for others, and an officer of an inactive agency is signed out by the middleware."""
    user = signed_in_user(request)
    if not keeps_records(user):
        raise Http404
    return user


def file_response(
    sections: list[exports.Section], *, title: str, stem: str, fmt: str
) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    body = exports.to_ods(sections) if fmt == "ods" else exports.to_pdf(title, sections)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.{fmt}"'
    return response


@access_rule(KEEPING_RECORDS)
def index(request: HttpRequest) -> HttpResponse:
    officer(request)
    return render(request, "privacy/index.html")


@access_rule(KEEPING_RECORDS)
def ropa(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    return render(request, "privacy/ropa.html", {"record": record_of_processing(user)})


@access_rule(KEEPING_RECORDS)
def ropa_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = officer(request)
    if fmt not in CONTENT_TYPES:
        raise Http404
    sections = exports.ropa_sections(record_of_processing(user))
    # The record holds no person's data; its export is recorded as the DPO's act.
    record_export_note(actor=user, document="ropa", fmt=fmt)
    return file_response(
        sections, title="Record of processing activities", stem="record-of-processing", fmt=fmt
    )


@access_rule(KEEPING_RECORDS)
def dpia(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    return render(request, "privacy/dpia.html", {"assessment": impact_assessment(user)})


@access_rule(KEEPING_RECORDS)
def dpia_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = officer(request)
    if fmt not in CONTENT_TYPES:
        raise Http404
    sections = exports.dpia_sections(impact_assessment(user))
    record_export_note(actor=user, document="dpia", fmt=fmt)
    return file_response(
        sections, title="Data protection impact assessment (draft)", stem="dpia", fmt=fmt
    )
