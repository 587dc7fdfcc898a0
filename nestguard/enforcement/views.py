"""Enforcement pages: HTTP only. Reads from `enforcement.selectors`, writes through
`enforcement.services.enforcement_action_record`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from nestguard.access.door import load, record_search
from nestguard.access.rules import CASEWORK, access_rule, signed_in_user
from nestguard.core.pages import form_acted, posted
from nestguard.enforcement import selectors, services
from nestguard.enforcement.forms import StepForm
from nestguard.enforcement.ladder import ladder
from nestguard.enforcement.models import EnforcementAction
from nestguard.enforcement.rules import is_enforcement_officer, issuers_for
from nestguard.places.models import Address

# Service field → form field, where the form splits a moment into a date and a time.
RENAME = {"taken_at": "taken_at_date", "ends_at": "ends_at_date", "step": "taken_at_date"}


@access_rule(CASEWORK)
def deadlines(request: HttpRequest) -> HttpResponse:
    """What falls due this week and what is overdue, across what the user may see."""
    user = signed_in_user(request)
    now = timezone.now()
    rows = selectors.deadlines_due(user, now)
    record_search(
        user,
        "enforcement.deadlines_view",
        purpose="enforcement",
        terms={},
        found=len(rows.overdue) + len(rows.due),
    )
    return render(
        request,
        "enforcement/deadlines.html",
        {"rows": rows, "now": now, "labels": _labels()},
    )


def _labels() -> dict[str, str]:
    return {code: step.label for code, step in ladder().steps.items()}


@access_rule(CASEWORK)
def address_record(request: HttpRequest, pk: Any) -> HttpResponse:
    """An address's enforcement: the ladder so far, what may come next, the deadlines."""
    user = signed_in_user(request)
    address = load(user, Address, pk, purpose="enforcement")
    actions = selectors.actions_at(user, address)
    rules = ladder()
    officer = is_enforcement_officer(user)
    offered = selectors.next_steps(actions) if officer else []
    return render(
        request,
        "enforcement/address.html",
        {
            "address": address,
            "actions": [(a, rules.steps.get(a.step)) for a in actions],
            "next_steps": offered,
            "issuers": rules.issuers,
            "officer": officer,
            "now": timezone.now(),
            "not_in_force": [
                s for s in rules.steps.values() if not s.in_force_on(timezone.localdate())
            ],
            "statuses": rules.statuses,
        },
    )


@access_rule(CASEWORK)
def chronology(request: HttpRequest, pk: Any) -> HttpResponse:
    """The court chronology: the property's evidence timeline, printable."""
    user = signed_in_user(request)
    address = load(user, Address, pk, purpose="enforcement")
    items = selectors.court_chronology(user, address)
    record_search(
        user,
        "enforcement.chronology_view",
        obj=address,
        purpose="enforcement",
        terms={},
        found=len(items),
    )
    return render(
        request,
        "enforcement/chronology.html",
        {"address": address, "items": items, "produced_at": timezone.now(), "user": user},
    )


def _eligible_parents(actions: list[EnforcementAction], step_code: str) -> list[EnforcementAction]:
    step = ladder().step(step_code)
    return [a for a in actions if a.step in step.parents]


@access_rule(CASEWORK)
def step_form(request: HttpRequest, pk: Any, step: str) -> HttpResponse:
    user = signed_in_user(request)
    address = load(user, Address, pk, purpose="enforcement")
    rules = ladder()
    if step not in rules.steps:
        raise Http404
    if not is_enforcement_officer(user):
        raise PermissionDenied("Only enforcement officers record enforcement steps")
    the_step = rules.step(step)
    actions = selectors.actions_at(user, address)
    parents = _eligible_parents(actions, step)
    people = selectors.person_choices(user, address) if the_step.subject == "person" else []
    cases = selectors.case_choices(user, address)
    initial: dict[str, Any] = {}
    after = request.GET.get("after")
    if after and any(str(p.pk) == after for p in parents):
        initial["parent"] = after
        parent = next(p for p in parents if str(p.pk) == after)
        if parent.person_id:
            initial["person"] = str(parent.person_id)
        if parent.case_id:
            initial["case"] = str(parent.case_id)
    form = StepForm(
        posted(request),
        initial=initial,
        step=the_step,
        issuers=issuers_for(user, the_step),
        people=people,
        parents=parents,
        cases=cases,
    )
    # A valid form always has taken_at: its date and time are required fields (StepForm.clean).
    acted = form_acted(
        request,
        form,
        lambda data: services.enforcement_action_record(
            actor=user,
            address=address,
            step=step,
            taken_at=data["taken_at"],
            issuer=data["issuer"],
            person=next((p for p in people if str(p.pk) == data.get("person")), None)
            if data.get("person")
            else None,
            case=next((c for c in cases if str(c.pk) == data.get("case")), None),
            parent=next((p for p in parents if str(p.pk) == data.get("parent")), None),
            conduct=data.get("conduct", ""),
            notes=data.get("notes", ""),
            scope=data.get("scope", ""),
            part_description=data.get("part_description", ""),
            comply_by=data.get("comply_by"),
            ends_at=data.get("ends_at"),
        ),
        done=lambda action: f"{the_step.label} {action.reference} recorded",
        then=reverse("enforcement:address", args=[address.pk]),
        rename=RENAME,
    )
    if acted is not None:
        return acted
    return render(
        request,
        "enforcement/step_form.html",
        {
            "address": address,
            "step": the_step,
            "form": form,
            "statuses": rules.statuses,
            "no_people": the_step.subject == "person" and not people,
            "no_issuers": not issuers_for(user, the_step),
        },
    )
