"""Planned visits, warrants and operations: plan one at an address, see those your agency
planned or was told of, answer before the window opens, cancel (decision 0107)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nestguard.access.door import load, record_list, visible
from nestguard.access.rules import CASEWORK, access_rule, signed_in_user
from nestguard.core.pages import form_acted, posted
from nestguard.deconfliction.forms import PlanForm, RespondForm
from nestguard.deconfliction.models import Notice, OperationStatus, PlannedOperation
from nestguard.deconfliction.services.operations import (
    notice_respond,
    operation_cancel,
    operation_plan,
)
from nestguard.places.models import Address

LIST_LIMIT = 200
# Operations stay on the list for a week after their window closes.
RECENT = timedelta(days=7)


@access_rule(CASEWORK)
def operation_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    operations = list(
        visible(user, PlannedOperation)
        .filter(ends_at__gte=timezone.now() - RECENT)
        .select_related("address", "agency")
        .order_by("starts_at", "pk")[:LIST_LIMIT]
    )
    record_list(user, PlannedOperation, operations, purpose="door_check")
    return render(
        request,
        "deconfliction/list.html",
        {
            "title": "Planned visits, warrants and operations",
            "operations": operations,
            "own_agency_id": user.agency_id,
            "limit": LIST_LIMIT,
        },
    )


@access_rule(CASEWORK)
def operation_new(request: HttpRequest, address_pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    address = load(user, Address, address_pk, purpose="place_report")
    form = PlanForm(posted(request))

    def planned(operation: PlannedOperation) -> str:
        told = operation.notices.count()
        return f"{operation.reference} planned. " + (
            f"{told} partner agencies were told." if told else "No partner had to be told."
        )

    acted = form_acted(
        request,
        form,
        lambda data: operation_plan(
            user,
            address=address,
            kind=data["kind"],
            starts_at=form.moment("starts_on", "starts_time"),
            ends_at=form.moment("ends_on", "ends_time"),
            partner_note=data["partner_note"],
        ),
        done=planned,
        then=lambda operation: reverse("deconfliction:detail", args=[operation.pk]),
        rename={"starts_at": "starts_on", "ends_at": "ends_on"},
    )
    if acted is not None:
        return acted
    return render(
        request,
        "deconfliction/plan.html",
        {"title": "Plan a visit, warrant or operation", "form": form, "address": address},
    )


def _page(request: HttpRequest, operation: PlannedOperation, form: RespondForm | None = None):
    user = signed_in_user(request)
    notices = list(
        visible(user, Notice).filter(operation=operation).select_related("agency", "responded_by")
    )
    own = next((n for n in notices if n.agency_id == user.agency_id), None)
    answerable = (
        own is not None
        and operation.status == OperationStatus.PLANNED
        and timezone.now() < operation.starts_at
    )
    if answerable and form is None:
        assert own is not None
        form = RespondForm(initial={"response": own.response, "response_note": own.response_note})
    return render(
        request,
        "deconfliction/detail.html",
        {
            "title": f"{operation.kind_label} at {operation.address.line1}",
            "operation": operation,
            "planner": operation.agency_id == user.agency_id,
            "notices": notices,
            "own": own,
            "form": form if answerable else None,
            "cancellable": operation.agency_id == user.agency_id
            and operation.status == OperationStatus.PLANNED,
        },
    )


@access_rule(CASEWORK)
def operation_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    return _page(request, load(user, PlannedOperation, pk, purpose="door_check"))


@access_rule(CASEWORK)
@require_POST
def operation_respond(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    operation = load(user, PlannedOperation, pk, purpose="door_check")
    notice = (
        visible(user, Notice).filter(operation=operation, agency=user.agency).first()
        if user.agency
        else None
    )
    form = RespondForm(request.POST)
    if notice is not None:  # an agency that was not told has nothing to answer
        acted = form_acted(
            request,
            form,
            lambda data: notice_respond(
                user, notice=notice, response=data["response"], note=data["response_note"]
            ),
            done=lambda _: f"Your answer was sent to {operation.agency.name}",
            then=reverse("deconfliction:detail", args=[operation.pk]),
        )
        if acted is not None:
            return acted
    return _page(request, operation, form)


@access_rule(CASEWORK)
@require_POST
def operation_cancel_view(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    operation = load(user, PlannedOperation, pk, purpose="door_check")
    try:
        operation_cancel(user, operation=operation)
    except ValidationError:  # cancelled already (a second click): nothing more to do
        return redirect(reverse("deconfliction:detail", args=[operation.pk]))
    messages.success(request, f"{operation.reference} cancelled; the partners told see that")
    return redirect(reverse("deconfliction:detail", args=[operation.pk]))
