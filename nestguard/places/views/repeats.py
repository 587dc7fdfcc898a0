"""Reports about an address, and the repeat-address queue of the police and ASB leads."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from nestguard.access.door import load, record_list, visible
from nestguard.access.rules import CASEWORK, access_rule, signed_in_user
from nestguard.places.forms import DecisionForm, ReportForm
from nestguard.places.models import Address, RepeatAddressAlert
from nestguard.places.policy import places_rules
from nestguard.places.registry import timeline_for
from nestguard.places.selectors import open_repeat_alerts
from nestguard.places.services.repeats import (
    address_report_record,
    can_work_repeat_alerts,
    repeat_alert_decide,
)
from nestguard.places.views.common import form_acted, posted


@access_rule(CASEWORK)
def report_add(request: HttpRequest, pk: Any) -> HttpResponse:
    """Record partner intelligence or an incident about any register address. The page
    shows the address and nothing known about it."""
    user = signed_in_user(request)
    # The register is open to every signed-in user; an address typed on a referral is not.
    address = load(user, Address, pk, purpose="place_report")
    form = ReportForm(posted(request))

    def after(_: Any) -> str:
        # The address page if the reporter may now see the address, else the register search.
        if visible(user, Address).filter(pk=address.pk).exists():
            return reverse("places:detail", args=[address.pk])
        return reverse("places:search") + f"?postcode={address.postcode}"

    acted = form_acted(
        request,
        form,
        lambda data: address_report_record(
            actor=user,
            address=address,
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            summary=data["summary"],
        ),
        done=f"Report recorded about {address.one_line}",
        then=after,
    )
    if acted is not None:
        return acted
    return render(
        request,
        "places/form.html",
        {
            "form": form,
            "address": address,
            "title": "Record intelligence or an incident",
            "button": "Record report",
            "intro": "Reports count towards the repeat-address rule: "
            f"{places_rules().repeat_address.words} raise an alert to the police and "
            "ASB leads.",
            "no_back": True,
        },
    )


def _require_queue(user: Any) -> None:
    if not can_work_repeat_alerts(user):
        raise PermissionDenied


@access_rule(CASEWORK)
def repeat_alerts(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    _require_queue(user)
    alerts = list(open_repeat_alerts(user)[:500])
    record_list(user, RepeatAddressAlert, alerts, purpose="enforcement")
    return render(
        request,
        "places/repeat_alerts.html",
        {"alerts": alerts, "rule": places_rules().repeat_address},
    )


@access_rule(CASEWORK)
def repeat_alert(request: HttpRequest, pk: Any) -> HttpResponse:
    """One alert with the property's timeline, and the decision."""
    user = signed_in_user(request)
    _require_queue(user)
    alert = load(user, RepeatAddressAlert, pk, purpose="enforcement")
    form = DecisionForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda data: repeat_alert_decide(
            actor=user, alert=alert, decision=data["decision"], reason=data["reason"]
        ),
        done="Decision recorded",
        then=reverse("places:repeat_alerts"),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "places/repeat_alert.html",
        {
            "alert": alert,
            "address": alert.address,
            "timeline": timeline_for(user, alert.address),
            "form": form,
            "rule": places_rules().repeat_address,
            "address_visible": visible(user, Address).filter(pk=alert.address_id).exists(),
        },
    )
