"""Administrators' view of the partnership: who takes part, with which roles, under which
agreements. No case content is reachable from here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from nestguard.access.door import load
from nestguard.access.rules import ADMINISTERING, access_rule, signed_in_user
from nestguard.accounts import selectors, services
from nestguard.accounts.forms import AgreementEndForm, SharingAgreementForm
from nestguard.accounts.models import Agency, SharingAgreement, lawful_bases


@access_rule(ADMINISTERING)
def partnership(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/partnership.html",
        {
            "agencies": selectors.partnership_agencies(),
            "users": selectors.partnership_users(),
            "teams": selectors.partnership_teams(),
            "agreements": selectors.partnership_agreements(),
            "bases": lawful_bases(),
        },
    )


@access_rule(ADMINISTERING)
def agreement_new(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.partnership_agencies())
    form = SharingAgreementForm(
        request.POST or None, agencies=agencies, bases=lawful_bases().choices
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sharing_agreement_create(
                actor=signed_in_user(request),
                name=data["name"],
                parties=Agency.objects.filter(pk__in=data["parties"]),
                purposes=data["purposes"],
                lawful_basis=data["lawful_basis"],
                starts_on=data["starts_on"],
                review_on=data["review_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"Sharing agreement recorded: {data['name']}")
            return redirect("accounts:partnership")
    return render(request, "accounts/agreement_form.html", {"form": form})


@access_rule(ADMINISTERING)
@require_http_methods(["GET", "POST"])
def agreement_end(request: HttpRequest, pk: Any) -> HttpResponse:
    """The confirmation step (GET) and the end itself (POST only): ending an agreement
    stops partner access that relied on it at once, so the page says so first."""
    agreement = load(request.user, SharingAgreement, pk, purpose="admin")
    if not agreement.revoked_at and request.method == "POST":
        form = AgreementEndForm(request.POST)
        if form.is_valid():
            try:
                services.sharing_agreement_end(
                    actor=signed_in_user(request),
                    agreement=agreement,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, f"Sharing agreement ended: {agreement.name}")
                return redirect("accounts:partnership")
    else:
        form = AgreementEndForm()
    return render(request, "accounts/agreement_end.html", {"form": form, "agreement": agreement})
