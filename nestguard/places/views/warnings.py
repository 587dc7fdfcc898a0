"""Placing, reviewing and withdrawing warning markers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from nestguard.access.door import load
from nestguard.access.restrictions import RestrictionForm, may_change_restriction
from nestguard.access.rules import CASEWORK, access_rule, signed_in_user
from nestguard.places.forms import WarningForm, WarningReviewForm, WarningWithdrawForm
from nestguard.places.models import Address, WarningMarker
from nestguard.places.services.warnings import (
    can_manage_marker,
    cases_for_marker,
    warning_place,
    warning_restrict,
    warning_review,
    warning_withdraw,
)
from nestguard.places.views.common import form_acted, posted


@access_rule(CASEWORK)
def warning_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    address = load(user, Address, pk, purpose="case_work")
    cases = cases_for_marker(user, address)
    if not cases:
        raise PermissionDenied
    form = WarningForm(posted(request), cases=cases)

    def place(data: dict[str, Any]) -> WarningMarker:
        return warning_place(
            actor=user,
            address=address,
            category=data["category"],
            level=data["level"],
            advice=data["advice"],
            contact=data["contact"],
            review_on=data["review_on"],
            expires_on=data["expires_on"],
            case=form.chosen_case(),
            restriction=data["restriction"],
        )

    acted = form_acted(
        request,
        form,
        place,
        done="Warning marker placed",
        then=reverse("places:detail", args=[address.pk]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "places/form.html",
        {
            "form": form,
            "address": address,
            "title": "Place a warning marker",
            "button": "Place warning",
            "intro": "Anyone signed in who checks this door sees the level, the advice and "
            "whom to contact, and nothing else. The risk and the case stay with those who "
            "may see them, as far as the restriction you choose allows.",
        },
    )


def _managed_marker(request: HttpRequest, pk: Any) -> WarningMarker:
    user = signed_in_user(request)
    # A marker whose reasons the user may not read (the marker policy: its case, its agency,
    # its handling restriction) answers 404, as one that does not exist.
    marker = load(user, WarningMarker, pk, purpose="case_work")
    if not can_manage_marker(user, marker):
        raise PermissionDenied
    return marker


@access_rule(CASEWORK)
def warning_review_page(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    marker = _managed_marker(request, pk)
    initial = {
        "review_on": marker.review_on,
        "expires_on": marker.expires_on,
        "advice": marker.advice,
        "version": marker.version,
    }
    form = WarningReviewForm(posted(request), initial=initial)

    def review(data: dict[str, Any]) -> Any:
        return warning_review(
            actor=user,
            marker=marker,
            review_on=data["review_on"],
            expires_on=data["expires_on"],
            advice=data["advice"],
            expected_version=data["version"],
        )

    acted = form_acted(
        request,
        form,
        review,
        done="Review recorded",
        then=reverse("places:detail", args=[marker.address_id]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "places/form.html",
        {
            "form": form,
            "address": marker.address,
            "marker": marker,
            "title": "Review a warning marker",
            "button": "Record review",
            "intro": f"{marker.level_label} warning: {marker.category_label}. Placed by "
            f"{marker.owner_agency.name}.",
            "extra_link": (
                reverse("places:warning_withdraw", args=[marker.pk]),
                "Withdraw this marker instead",
            ),
        },
    )


@access_rule(CASEWORK)
def warning_withdraw_page(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    marker = _managed_marker(request, pk)
    form = WarningWithdrawForm(posted(request), initial={"version": marker.version})
    acted = form_acted(
        request,
        form,
        lambda data: warning_withdraw(
            actor=user, marker=marker, reason=data["reason"], expected_version=data["version"]
        ),
        done="Warning marker withdrawn",
        then=reverse("places:detail", args=[marker.address_id]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "places/form.html",
        {
            "form": form,
            "address": marker.address,
            "title": "Withdraw a warning marker",
            "button": "Withdraw marker",
            "warning": True,
        },
    )


@access_rule(CASEWORK)
def warning_restrict_page(request: HttpRequest, pk: Any) -> HttpResponse:
    """Change who may read a marker's reasons: for the agency that placed it."""
    user = signed_in_user(request)
    marker = load(user, WarningMarker, pk, purpose="case_work")
    if not may_change_restriction(user, marker.owner_agency_id):
        raise PermissionDenied
    form = RestrictionForm(posted(request), initial={"restriction": marker.restriction})
    acted = form_acted(
        request,
        form,
        lambda data: warning_restrict(actor=user, marker=marker, restriction=data["restriction"]),
        done="Restriction changed",
        then=reverse("places:detail", args=[marker.address_id]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "places/form.html",
        {
            "form": form,
            "address": marker.address,
            "title": "Change who may read a warning marker",
            "button": "Save",
            "intro": f"{marker.level_label} warning: {marker.category_label}. The door-check "
            "answer stays the same for everyone.",
        },
    )
