"""A child's placements and education statuses, recorded from the person page; the
transition plan that answers a transition alert (decision 0110). HTTP only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nestguard.access.door import load
from nestguard.access.rules import CASEWORK, access_rule, signed_in_user
from nestguard.cases.models import Case
from nestguard.childhood.forms import EducationForm, EndForm, PlacementForm, TransitionForm
from nestguard.childhood.models import EducationStatus, Placement
from nestguard.childhood.selectors import may_record_plan
from nestguard.childhood.services.records import (
    education_end,
    education_record,
    placement_end,
    placement_record,
    require_on_case,
)
from nestguard.childhood.services.transitions import transition_due, transition_record
from nestguard.core.forms import GovukForm
from nestguard.core.pages import apply_service_errors
from nestguard.people.models import Person
from nestguard.places.models import Address


def _form_page(
    request: HttpRequest, form: GovukForm, *, title: str, caption: str, back: str, button: str
) -> HttpResponse:
    return render(
        request,
        "childhood/form.html",
        {"form": form, "title": title, "caption": caption, "back": back, "button": button},
    )


def _person_url(person_id: Any) -> str:
    return reverse("people:detail", args=[person_id]) + "#childhood"


def _child(request: HttpRequest, person_pk: Any) -> Person:
    """A person the user may see, named on a case they may see (403 otherwise)."""
    user = signed_in_user(request)
    person = load(user, Person, person_pk, purpose="case_work")
    require_on_case(user, person)
    return person


def _address(user: Any, uprn: str) -> Address | None:
    if not uprn.strip():
        return None
    try:
        return load(user, Address, uprn.strip(), purpose="place_report", field="uprn")
    except Http404:
        raise ValidationError({"uprn": "No address in the register has that UPRN"}) from None


def _record_page(
    request: HttpRequest,
    person_pk: Any,
    form_class: type[GovukForm],
    save: Callable[[Any, Person, Any], object],
    *,
    title: str,
    button: str,
    done: str,
) -> HttpResponse:
    """A form that records something about a child, then back to their person page."""
    user = signed_in_user(request)
    person = _child(request, person_pk)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            save(user, person, form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(_person_url(person.pk))
    return _form_page(
        request, form, title=title, caption=person.display_name,
        back=_person_url(person.pk), button=button,
    )  # fmt: skip


def _save_placement(user: Any, person: Person, form: Any) -> None:
    data = form.cleaned_data
    placement_record(
        user,
        person=person,
        placement_type=data["placement_type"],
        placing_authority=data["placing_authority"],
        located_authority=data["located_authority"],
        out_of_borough=form.out_of_borough_value(),
        address=_address(user, data["uprn"]),
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )


def _save_education(user: Any, person: Person, form: Any) -> None:
    data = form.cleaned_data
    education_record(
        user,
        person=person,
        status=data["status"],
        provider=data["provider"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )


@access_rule(CASEWORK)
def placement_new(request: HttpRequest, person_pk: Any) -> HttpResponse:
    return _record_page(
        request, person_pk, PlacementForm, _save_placement, title="Record a placement",
        button="Record the placement", done="Placement recorded",
    )  # fmt: skip


@access_rule(CASEWORK)
def education_new(request: HttpRequest, person_pk: Any) -> HttpResponse:
    return _record_page(
        request, person_pk, EducationForm, _save_education, title="Record an education status",
        button="Record the education status", done="Education status recorded",
    )  # fmt: skip


def _end(request: HttpRequest, record: Placement | EducationStatus, end: Any, title: str):
    user = signed_in_user(request)
    require_on_case(user, record.person)
    form = EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            end(user, record, form.cleaned_data["ends_on"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "End date recorded")
            return redirect(_person_url(record.person_id))
    return _form_page(
        request,
        form,
        title=title,
        caption=f"{record.person.display_name}: {record}",
        back=_person_url(record.person_id),
        button="Record the end date",
    )


@access_rule(CASEWORK)
def placement_end_view(request: HttpRequest, pk: Any) -> HttpResponse:
    placement = load(signed_in_user(request), Placement, pk, purpose="case_work")
    return _end(
        request,
        placement,
        lambda user, record, day: placement_end(user, placement=record, ends_on=day),
        "Record the end of a placement",
    )


@access_rule(CASEWORK)
def education_end_view(request: HttpRequest, pk: Any) -> HttpResponse:
    record = load(signed_in_user(request), EducationStatus, pk, purpose="case_work")
    return _end(
        request,
        record,
        lambda user, found, day: education_end(user, record=found, ends_on=day),
        "Record the end of an education status",
    )


@access_rule(CASEWORK)
def transition_view(request: HttpRequest, case_pk: Any, person_pk: Any) -> HttpResponse:
    """The transition alert of a child on a case, answered with a plan: for the lead agency
    and the adult services named on the case. No alert open (none due, already planned, or
    a case or person the user may not see): 404."""
    user = signed_in_user(request)
    case = load(user, Case, case_pk, purpose="case_work")
    person = load(user, Person, person_pk, purpose="case_work")
    due = transition_due(user, case, person)
    if due is None:
        raise Http404
    if not may_record_plan(user, due):
        raise PermissionDenied
    form = TransitionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            transition_record(
                user,
                case=case,
                person=person,
                adult_agency=form.agency(),
                plan=form.cleaned_data["plan"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Transition plan recorded")
            return redirect("cases:detail", pk=case.pk)
    named = ", ".join(a.name for a in due.adult_agencies)
    return render(
        request,
        "childhood/transition.html",
        {
            "form": form,
            "title": "Record a transition plan",
            "case": case,
            "person": person,
            "due": due,
            "named": named,
        },
    )
