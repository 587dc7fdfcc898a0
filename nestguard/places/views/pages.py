"""The address page, the register search and the door check."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from nestguard.access.door import load, record_search
from nestguard.access.rules import NETWORK_VIEWING, SIGNED_IN, access_rule, signed_in_user
from nestguard.access.selectors import can_work_cases
from nestguard.places import selectors
from nestguard.places.forms import DoorCheckForm, PostcodeSearchForm
from nestguard.places.maps import map_policy
from nestguard.places.models import Address
from nestguard.places.registry import timeline_for
from nestguard.places.selectors import (
    REGISTER_SEARCH_LIMIT,
    address_profile,
    register_addresses_at,
)
from nestguard.places.services.doors import door_check_ask
from nestguard.places.services.repeats import can_record_report
from nestguard.places.services.warnings import cases_for_marker


def _link_to(url_name: str, pk: Any) -> str:
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:
        return ""


def _manages(user: Any, marker: Any, my_cases: list[Any]) -> bool:
    """can_manage_marker without a query per marker: `my_cases` are the cases at this
    address the user works on (each one they may contribute to)."""
    if not my_cases and user.agency_id != marker.owner_agency_id:
        return False
    return can_work_cases(user) and (
        user.agency_id == marker.owner_agency_id or marker.case_id in {c.pk for c in my_cases}
    )


@access_rule(SIGNED_IN)
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """An address with everything this user may see there, as one timeline, newest first.
    A user who may see nothing there gets 404, exactly as for an address that does not
    exist."""
    user = signed_in_user(request)
    address = load(user, Address, pk, purpose="case_work")
    profile = address_profile(user, address)
    cases = [(link, _link_to("cases:detail", link.case_id)) for link in profile.cases]
    referrals = [(ref, _link_to("referrals:detail", ref.pk)) for ref in profile.referrals]
    markers = selectors.markers_at(user, address)
    links = selectors.links_at(user, address)
    hardening, funding = selectors.hardening_at(address)
    displacement = selectors.displacement_alerts_for(user, address=address)
    timeline = timeline_for(user, address)
    marker_cases = cases_for_marker(user, address)
    response = render(
        request,
        "places/detail.html",
        {
            "profile": profile,
            "address": address,
            "cases": cases,
            "referrals": referrals,
            "markers": [(m, _manages(user, m, marker_cases)) for m in markers],
            # For every viewer: what a door check answers, whatever markers they may not read.
            "door": selectors.door_answer([address]),
            "links": links,
            "hardening": hardening,
            "funding": funding,
            "displacement": displacement,
            "timeline": timeline,
            "can_place_warning": bool(marker_cases),
            "may_restrict": can_work_cases(user),
            "can_record": can_record_report(user),
            "may_see_network": NETWORK_VIEWING.allows(user),
            "confirmed": bool(profile.cases),
            "tile_url": settings.NESTGUARD_MAP_TILE_URL,
            "tile_attribution": settings.NESTGUARD_MAP_ATTRIBUTION,
        },
    )
    response.headers["Content-Security-Policy"] = map_policy()
    return response


@access_rule(SIGNED_IN)
def search(request: HttpRequest) -> HttpResponse:
    """Find addresses in the register by postcode. Addresses only: no case content."""
    form = PostcodeSearchForm(request.GET or None)
    postcode = ""
    results = None
    if form.is_bound and form.is_valid():
        user = signed_in_user(request)
        postcode = form.cleaned_data["postcode"]
        results = register_addresses_at(postcode)
        record_search(
            user,
            "address.search",
            purpose="case_work",
            terms={"postcode": postcode},
            found=len(results),
        )
    return render(
        request,
        "places/search.html",
        {
            "form": form,
            "postcode": postcode,
            "results": results,
            "limit": REGISTER_SEARCH_LIMIT,
            "can_record": can_record_report(signed_in_user(request)),
        },
    )


@access_rule(SIGNED_IN)
def door_check(request: HttpRequest) -> HttpResponse:
    """ "Is there a risk behind this door?" for any signed-in practitioner: the level, the
    safety advice and whom to contact. Never the reasons or the people behind it."""
    form = DoorCheckForm(request.GET or None)
    answer = None
    if form.is_bound and form.is_valid():
        answer = door_check_ask(
            actor=signed_in_user(request), query=form.query, via="Door check page"
        )
    return render(request, "places/door_check.html", {"form": form, "answer": answer})
