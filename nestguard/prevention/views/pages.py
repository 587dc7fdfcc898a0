"""The prevention list of a housing agency's caseworkers, an entry, and what was done."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nestguard.access.door import load, record_list
from nestguard.access.rules import CASEWORK, access_rule, signed_in_user
from nestguard.accounts.models import User
from nestguard.core.pages import form_acted, posted
from nestguard.prevention import selectors
from nestguard.prevention.forms import ActionForm
from nestguard.prevention.models import PreventionEntry
from nestguard.prevention.policy import prevention_rules, week_start_of
from nestguard.prevention.rules import works_prevention
from nestguard.prevention.services.actions import (
    prevention_action_record,
    prevention_referral_start,
)

PURPOSE = "prevention"
PAGE_SIZE = 25
# The summary counts the last twelve weeks' lists.
SUMMARY_WEEKS = 12


def _prevention_worker(request: HttpRequest) -> User:
    """The signed-in user if they work a housing agency's list; anyone else learns nothing,
    not even that the page exists (404)."""
    user = signed_in_user(request)
    if not works_prevention(user):
        raise Http404
    return user


@access_rule(CASEWORK)
def entry_list(request: HttpRequest) -> HttpResponse:
    user = _prevention_worker(request)
    page = Paginator(selectors.entries_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    since = week_start_of(timezone.localdate()) - timedelta(weeks=SUMMARY_WEEKS - 1)
    summary = selectors.summary(user, since)
    # One event for the page: the entries shown, and the summary's period.
    record_list(
        user,
        PreventionEntry,
        shown,
        purpose=PURPOSE,
        details={"page": page.number, "summary_since": since.isoformat()},
    )
    return render(
        request,
        "prevention/list.html",
        {
            "page": page,
            "entries": shown,
            "summary": summary,
            "summary_weeks": SUMMARY_WEEKS,
            "rules": prevention_rules(),
        },
    )


@access_rule(CASEWORK)
def entry_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = _prevention_worker(request)
    entry = load(user, PreventionEntry, pk, purpose=PURPOSE)
    form = ActionForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda data: prevention_action_record(
            actor=user, entry=entry, kind=data["kind"], note=data["note"]
        ),
        done="What you did is recorded",
        then=reverse("prevention:detail", args=[entry.pk]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "prevention/entry.html",
        {
            "entry": entry,
            "reasons": selectors.reasons(entry),
            "signals": selectors.signals_at(user, entry),
            "actions": entry.actions.select_related("recorded_by", "referral"),
            "form": form,
            "rules": prevention_rules(),
        },
    )


@access_rule(CASEWORK)
@require_POST
def entry_refer(request: HttpRequest, pk: Any) -> HttpResponse:
    """Start a referral about the entry's address with the referral form, address filled."""
    user = _prevention_worker(request)
    entry = load(user, PreventionEntry, pk, purpose=PURPOSE)
    try:
        referral = prevention_referral_start(actor=user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("prevention:detail", args=[entry.pk]))
    messages.success(
        request, f"Referral {referral.reference} started with the address filled in: complete it"
    )
    return redirect(reverse("referrals:task_list", args=[referral.pk]))
