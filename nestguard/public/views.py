"""The public report page (no sign-in) and the hub triage team's pages for public reports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect

from nestguard.access.door import load, record_list, visible
from nestguard.access.rules import PUBLIC, TRIAGE, access_rule, signed_in_user
from nestguard.core.keyset import Key, keyset_page
from nestguard.public import services
from nestguard.public.forms import PublicReportForm, PublicTriageForm
from nestguard.public.models import PublicReport, PublicReportStatus, public_signs
from nestguard.public.throttle import submission_allowed

PAGE_SIZE = 25
QUEUE_KEYS = (Key("submitted_at"), Key("pk"))
TOO_MANY = (
    "You have sent a lot of reports in a short time. Wait an hour and try again, or call "
    "Crimestoppers anonymously on 0800 555 111."
)


def _client_ip(request: HttpRequest) -> str:
    """The address the connection came from, as the web server gives it (the deployment's
    proxy sets REMOTE_ADDR; a header the visitor could write is not trusted)."""
    return str(request.META.get("REMOTE_ADDR") or "")


def _thanks(request: HttpRequest, reference: str) -> HttpResponse:
    return render(request, "public/thanks.html", {"reference": reference})


@access_rule(PUBLIC)
@csrf_protect
def report(request: HttpRequest) -> HttpResponse:
    """The form. No session is opened (no messages, no login): the only cookie is CSRF's."""
    form = PublicReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if request.POST.get("website", "").strip():
            # The honeypot was filled: a script. It gets what a person gets, so it learns
            # nothing to adapt to, and nothing is stored or counted (decision 0100).
            return _thanks(request, services.new_reference())
        valid = form.is_valid()
        data = form.values() if valid else {**form.cleaned_data}
        clean, errors = services.validate_report(data)
        for name, message in errors.items():
            if name not in form.errors:
                form.add_error(name if name in form.fields else None, message)
        if valid and not form.errors:
            if not submission_allowed(ip=_client_ip(request), postcode=clean["postcode"]):
                form.add_error(None, TOO_MANY)
                status = 429
            else:
                try:
                    created = services.public_report_submit(actor=None, **data)
                except ValidationError as exc:
                    form.add_service_errors(exc)
                else:
                    return _thanks(request, created.reference)
    return render(request, "public/report.html", {"form": form}, status=status)


@access_rule(TRIAGE)
def queue(request: HttpRequest) -> HttpResponse:
    """Public reports awaiting triage, oldest first; the hub's triage team only."""
    user = signed_in_user(request)
    reports = visible(user, PublicReport).filter(status=PublicReportStatus.AWAITING)
    page = keyset_page(reports, QUEUE_KEYS, cursor=request.GET.get("page"), size=PAGE_SIZE)
    signs = public_signs()
    rows = [{"report": r, "signs": [signs.label(c) for c in r.signs]} for r in page.rows]
    record_list(user, PublicReport, page.rows, purpose="triage")
    return render(request, "public/queue.html", {"page": page, "rows": rows, "query": ""})


@access_rule(TRIAGE)
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """A public report in full, with the reporter's contact details, and the decision."""
    user = signed_in_user(request)
    report_ = load(user, PublicReport, pk, purpose="triage")
    decidable = report_.status == PublicReportStatus.AWAITING
    form = PublicTriageForm(request.POST if request.method == "POST" and decidable else None)
    if request.method == "POST" and decidable and form.is_valid():
        try:
            services.public_report_triage(
                actor=user,
                report=report_,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("public:queue")
    signs = public_signs()
    return render(
        request,
        "public/detail.html",
        {
            "report": report_,
            "signs": [signs.label(c) for c in report_.signs],
            "decidable": decidable,
            "form": form,
        },
    )
