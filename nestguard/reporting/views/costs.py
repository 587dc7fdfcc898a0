"""The project costs page: the list for everyone who reports, the form for partnership
managers (decision 0092)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nestguard.access.door import visible
from nestguard.access.rules import MANAGING_PARTNERSHIP, REPORTING, access_rule, signed_in_user
from nestguard.core.pages import apply_service_errors
from nestguard.reporting.costs import money
from nestguard.reporting.forms import DEFAULT_PROJECT, ProjectCostForm
from nestguard.reporting.models import ProjectCost
from nestguard.reporting.services.costs import NOT_MANAGER, project_cost_record


@access_rule(REPORTING)
def project_costs(request: HttpRequest) -> HttpResponse:
    """GET: the costs entered so far (and the form, for a partnership manager). POST: a
    partnership manager adds one; a bad one shows the error summary and writes nothing."""
    user = signed_in_user(request)
    may_enter = MANAGING_PARTNERSHIP.allows(user)
    form = None
    if may_enter:
        form = ProjectCostForm(
            request.POST if request.method == "POST" else None,
            initial={"project": DEFAULT_PROJECT},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(NOT_MANAGER)
        if form.is_valid():
            try:
                cost = project_cost_record(user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Cost recorded: {cost}, {money(cost.amount)}")
                return redirect(reverse("reporting:project_costs"))
    costs = list(visible(user, ProjectCost).select_related("entered_by"))
    return render(
        request,
        "reporting/project_costs.html",
        {
            "form": form,
            "costs": [(cost, money(cost.amount)) for cost in costs],
            "title": "Project costs",
        },
    )
