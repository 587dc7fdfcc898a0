"""The triage team's pages: the queue with its clock, a referral in full, and the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from nestguard.access.door import load, visible
from nestguard.access.rules import TRIAGE, access_rule, signed_in_user
from nestguard.cases.models import Case, CaseStatus
from nestguard.core.calendar import working_days_between
from nestguard.referrals import codes as rc
from nestguard.referrals import forms as f
from nestguard.referrals import services
from nestguard.referrals.models import Referral, ReferralStatus, TriageDecision
from nestguard.referrals.outcomes import TAG_COLOURS
from nestguard.referrals.selectors import triage_queue
from nestguard.referrals.views import answers_context, known_answers

PAGE_SIZE = 25


def _clock(referral: Referral, now: Any, today: Any) -> dict[str, Any]:
    due = timezone.localtime(referral.triage_due_at) if referral.triage_due_at else None
    if due is None:
        return {"due": None, "overdue": False, "days_left": None}
    overdue = referral.triage_due_at < now
    days_left = working_days_between(today, due.date())
    return {"due": due, "overdue": overdue, "days_left": days_left}


@access_rule(TRIAGE)
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = f.QueueFilterForm(request.GET or None)
    concern = form.cleaned_data.get("concern", "") if form.is_valid() else ""
    referrals = triage_queue(user, concern=concern)
    now = timezone.now()
    overdue_count = referrals.filter(triage_due_at__lt=now).count()
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "referral": r,
            "clock": _clock(r, now, today),
            "urgency": rc.urgency_levels().label(r.urgency).split(":")[0],
            "concerns": [rc.concern_types().label(c) for c in r.concern_types],
        }
        for r in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "overdue_count": overdue_count,
            "query": query.urlencode(),
            "concern": concern,
            "concern_label": rc.concern_types().label(concern) if concern else "",
        },
    )


@access_rule(TRIAGE)
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """A referral in full for the triage team (and whoever sees the case it became)."""
    user = signed_in_user(request)
    referral = load(user, Referral, pk, purpose="triage")
    subjects = list(referral.subjects.select_related("person"))
    decidable = referral.status == ReferralStatus.SUBMITTED and services.can_triage(user, referral)
    case_url = ""
    if referral.case_id and visible(user, Case).filter(pk=referral.case_id).exists():
        try:
            case_url = reverse("cases:detail", kwargs={"pk": referral.case_id})
        except NoReverseMatch:
            case_url = ""
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "clock": _clock(referral, timezone.now(), timezone.localdate()),
            "decidable": decidable,
            "tag_colour": TAG_COLOURS.get(ReferralStatus(referral.status), "grey"),
            "decision_reason_label": rc.decline_reasons().label(referral.decision_reason_code)
            if referral.decision_reason_code
            else "",
            "redirect_label": rc.redirect_targets().label(referral.redirect_to)
            if referral.redirect_to
            else "",
            "case_url": case_url,
            **answers_context(referral),
            "subjects": subjects,
            "known": known_answers(user, subjects),
        },
    )


@access_rule(TRIAGE)
def triage(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    referral = load(user, Referral, pk, purpose="triage")
    if not services.can_triage(user, referral):
        return redirect("referrals:detail", pk=referral.pk)
    # A decision posted after someone else's is answered by the service (what they decided,
    # and when), on this page with what this triager typed; only a fresh visit moves on.
    if referral.status != ReferralStatus.SUBMITTED and request.method != "POST":
        return redirect("referrals:detail", pk=referral.pk)
    form = f.TriageForm(
        request.POST if request.method == "POST" else None,
        initial={"version": referral.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = None
        decision = data["decision"]
        if decision == TriageDecision.MERGE:
            reference = data.get("case_reference", "").strip().upper()
            case = visible(user, Case).filter(reference=reference).first()
            if case is None:
                form.add_error(
                    "case_reference", "There is no case with that reference that you can see"
                )
        if not form.errors:
            try:
                services.referral_triage(
                    actor=user,
                    referral=referral,
                    decision=decision,
                    reason_code=data.get("reason_code", ""),
                    reason=data.get("reason", ""),
                    redirect_to=data.get("redirect_to", ""),
                    case=case,
                    expected_version=data.get("version"),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return _decided(request, referral)
    return render(
        request,
        "referrals/triage.html",
        {"referral": referral, "form": form, "candidates": _merge_candidates(user, referral)},
    )


def _merge_candidates(user: Any, referral: Referral) -> list[Any]:
    """Open cases the user can see at the referral's address: the likely merges."""
    if referral.address_id is None:
        return []
    return list(
        visible(user, Case)
        .exclude(status=CaseStatus.CLOSED)
        .filter(addresses__address_id=referral.address_id)
        .distinct()
        .order_by("-opened_at")
        .values_list("reference", flat=True)[:5]
    )


def _decided(request: HttpRequest, referral: Referral) -> HttpResponse:
    status = ReferralStatus(referral.status)
    if referral.case_id and status in (ReferralStatus.ACCEPTED, ReferralStatus.MERGED):
        case = referral.case
        verb = "opened" if status == ReferralStatus.ACCEPTED else "updated"
        messages.success(request, f"Referral {referral.reference}: case {case} {verb}")
        try:
            return redirect(reverse("cases:detail", kwargs={"pk": referral.case_id}))
        except NoReverseMatch:
            return redirect("referrals:detail", pk=referral.pk)
    messages.success(request, f"Referral {referral.reference}: {status.label.lower()}")
    return redirect("referrals:triage_queue")
