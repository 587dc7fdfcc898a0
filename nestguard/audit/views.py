from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nestguard.access.rules import AUDITING, CHAIN_CHECKING, access_rule
from nestguard.audit import events
from nestguard.audit.forms import AuditSearchForm
from nestguard.audit.models import ChainCheck
from nestguard.audit.selectors import audit_events_matching
from nestguard.audit.services import audit_record

PAGE_SIZE = 50


@access_rule(AUDITING)
def search(request: HttpRequest) -> HttpResponse:
    """'Who looked at this person?': the audit trail filtered, newest first."""
    form = AuditSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        page = Paginator(audit_events_matching(filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        audit_record(
            actor=request.user,
            action="audit.view",
            purpose="Audit search",
            details={k: str(v) for k, v in filters.items()},
        )
    elif not form.is_bound:
        page = Paginator(audit_events_matching({}), PAGE_SIZE).get_page(1)
    descriptions = {t.code: t.description for t in events.all_types()}
    for event in page or []:
        event.description = descriptions.get(event.action, event.action)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )


CHECKS_SHOWN = 30


@access_rule(CHAIN_CHECKING)
def chain_checks(request: HttpRequest) -> HttpResponse:
    """The latest daily verifications of the audit chain against its anchors. No personal
    data: counts, a pass or fail, and the first broken event's number."""
    checks = list(ChainCheck.objects.order_by("-checked_at", "-id")[:CHECKS_SHOWN])
    return render(
        request,
        "audit/checks.html",
        {"checks": checks, "latest": checks[0] if checks else None},
    )
