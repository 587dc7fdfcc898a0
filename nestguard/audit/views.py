from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nestguard.access.door import record_search
from nestguard.access.rules import AUDITING, CHAIN_CHECKING, access_rule, signed_in_user
from nestguard.audit import events
from nestguard.audit.forms import AuditSearchForm
from nestguard.audit.selectors import audit_events_matching, latest_chain_checks

PAGE_SIZE = 50


@access_rule(AUDITING)
def search(request: HttpRequest) -> HttpResponse:
    """'Who looked at this person?': the audit trail filtered, newest first."""
    user = signed_in_user(request)
    form = AuditSearchForm(request.GET or None)
    page = None
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        page = Paginator(audit_events_matching(user, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    elif not form.is_bound:
        page = Paginator(audit_events_matching(user, {}), PAGE_SIZE).get_page(1)
    if page is not None:
        # The latest events shown on arrival are a read of the trail as much as a search.
        record_search(
            user,
            "audit.view",
            purpose="audit",
            terms={k: str(v) for k, v in filters.items()},
            found=page.paginator.count,
        )
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
    checks = latest_chain_checks(CHECKS_SHOWN)
    return render(
        request,
        "audit/checks.html",
        {"checks": checks, "latest": checks[0] if checks else None},
    )
