"""The breach log: the list (with the ICO clock), recording a breach, its page (assess, record
who was told, close), and the log as ODS and PDF. Only the agency's data protection officers
reach any of it (decision 0103)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nestguard.access.door import load, record_list
from nestguard.access.rules import access_rule
from nestguard.core.keyset import keyset_page
from nestguard.core.pages import form_acted, posted
from nestguard.privacy import exports, selectors
from nestguard.privacy.forms import AssessForm, BreachForm, NoticeForm
from nestguard.privacy.models import ICO_HOURS, Breach
from nestguard.privacy.rules import KEEPING_RECORDS
from nestguard.privacy.services.breaches import (
    breach_assess,
    breach_close,
    breach_notice_record,
    breach_record,
)
from nestguard.privacy.views.pages import CONTENT_TYPES, file_response, officer

PURPOSE = "data_protection"
PAGE_SIZE = 25
# The export carries the whole log of an agency; a cap keeps one request bounded.
EXPORT_LIMIT = 5000


@access_rule(KEEPING_RECORDS)
def breach_list(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    page = keyset_page(
        selectors.breaches_for(user),
        selectors.BREACH_KEYS,
        cursor=request.GET.get("page"),
        size=PAGE_SIZE,
    )
    record_list(user, Breach, page.rows, purpose=PURPOSE)
    return render(
        request,
        "privacy/breach_list.html",
        {"page": page, "breaches": page.rows, "now": timezone.now(), "hours": ICO_HOURS},
    )


@access_rule(KEEPING_RECORDS)
def breach_new(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    form = BreachForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda data: breach_record(
            actor=user,
            summary=data["summary"],
            what_happened=data["what_happened"],
            data_involved=data["data_involved"],
            aware_at=data["aware_at"],
            occurred_at=data["occurred_at"],
            people_affected=data["people_affected"],
        ),
        done=lambda breach: f"Breach {breach.reference} recorded: the ICO clock started",
        then=lambda breach: reverse("privacy:breach", args=[breach.pk]),
        rename={"aware_at": "aware_date", "occurred_at": "occurred_date"},
    )
    if acted is not None:
        return acted
    return render(request, "privacy/breach_new.html", {"form": form})


def _breach_page(
    request: HttpRequest,
    breach: Breach,
    *,
    assess: AssessForm | None = None,
    notice: NoticeForm | None = None,
) -> HttpResponse:
    user = officer(request)
    initial = {}
    if breach.risk:
        initial = {
            "risk": breach.risk,
            "risk_reasons": breach.risk_reasons,
            "notify_ico": "yes" if breach.notify_ico else "no",
            "tell_people": "yes" if breach.tell_people else "no",
            "decision_reasons": breach.decision_reasons,
        }
    now = timezone.now()
    return render(
        request,
        "privacy/breach.html",
        {
            "breach": breach,
            "notices": selectors.notices_of(user, breach),
            "assess": assess or AssessForm(initial=initial),
            "notice": notice or NoticeForm(),
            "now": now,
            "overdue": breach.ico_overdue(now),
            "hours": ICO_HOURS,
        },
    )


@access_rule(KEEPING_RECORDS)
def breach_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = officer(request)
    breach = load(user, Breach, pk, purpose=PURPOSE)
    return _breach_page(request, breach)


def _yes(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@access_rule(KEEPING_RECORDS)
@require_POST
def breach_assess_view(request: HttpRequest, pk: Any) -> HttpResponse:
    user = officer(request)
    breach = load(user, Breach, pk, purpose=PURPOSE)
    form = AssessForm(request.POST)
    acted = form_acted(
        request,
        form,
        lambda data: breach_assess(
            actor=user,
            breach=breach,
            risk=data["risk"],
            risk_reasons=data["risk_reasons"],
            notify_ico=_yes(data["notify_ico"]),
            tell_people=_yes(data["tell_people"]),
            decision_reasons=data["decision_reasons"],
        ),
        done="The assessment is recorded",
        then=reverse("privacy:breach", args=[breach.pk]),
    )
    if acted is not None:
        return acted
    breach.refresh_from_db()
    return _breach_page(request, breach, assess=form)


@access_rule(KEEPING_RECORDS)
@require_POST
def breach_notice_view(request: HttpRequest, pk: Any) -> HttpResponse:
    user = officer(request)
    breach = load(user, Breach, pk, purpose=PURPOSE)
    form = NoticeForm(request.POST, prefix=None)
    acted = form_acted(
        request,
        form,
        lambda data: breach_notice_record(
            actor=user,
            breach=breach,
            audience=data["audience"],
            told_at=data["told_at"],
            note=data["note"],
            ico_reference=data["ico_reference"],
            late_reasons=data["late_reasons"],
        ),
        done="Who was told, and when, is recorded",
        then=reverse("privacy:breach", args=[breach.pk]),
        rename={"told_at": "told_date"},
    )
    if acted is not None:
        return acted
    breach.refresh_from_db()
    return _breach_page(request, breach, notice=form)


@access_rule(KEEPING_RECORDS)
@require_POST
def breach_close_view(request: HttpRequest, pk: Any) -> HttpResponse:
    user = officer(request)
    breach = load(user, Breach, pk, purpose=PURPOSE)
    try:
        breach_close(actor=user, breach=breach)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Breach {breach.reference} closed")
    return redirect(reverse("privacy:breach", args=[breach.pk]))


@access_rule(KEEPING_RECORDS)
def breach_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = officer(request)
    if fmt not in CONTENT_TYPES:
        raise Http404
    breaches = list(selectors.breaches_for(user).order_by("-aware_at", "-pk")[:EXPORT_LIMIT])
    record_list(user, Breach, breaches, purpose=PURPOSE, details={"export": fmt})
    sections = exports.breach_sections(breaches, timezone.now())
    return file_response(sections, title="Breach log", stem="breach-log", fmt=fmt)
