"""Address pages: HTTP only. What they show comes from `places.selectors`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from nestguard.access.rules import SIGNED_IN, access_rule, signed_in_user
from nestguard.audit.services import audit_record
from nestguard.places.forms import PostcodeSearchForm
from nestguard.places.selectors import (
    REGISTER_SEARCH_LIMIT,
    address_profile,
    register_addresses_at,
)


def _link_to(url_name: str, pk: Any) -> str:
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:
        return ""


@access_rule(SIGNED_IN)
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """An address with the cases, referrals and people there that this user may see. A user
    who may see nothing there gets 404, exactly as for an address that does not exist."""
    user = signed_in_user(request)
    profile = address_profile(user, pk)
    cases = [(link, _link_to("cases:detail", link.case_id)) for link in profile.cases]
    referrals = [(ref, _link_to("referrals:detail", ref.pk)) for ref in profile.referrals]
    audit_record(
        actor=user,
        action="address.view",
        obj=profile.address,
        purpose="Address page",
        details={
            "cases": len(profile.cases),
            "referrals": len(profile.referrals),
            "people": len(profile.people),
        },
    )
    return render(
        request,
        "places/detail.html",
        {
            "profile": profile,
            "address": profile.address,
            "cases": cases,
            "referrals": referrals,
        },
    )


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
        audit_record(
            actor=user,
            action="address.search",
            purpose="Address search",
            details={"postcode": postcode, "results": len(results)},
        )
    return render(
        request,
        "places/search.html",
        {
            "form": form,
            "postcode": postcode,
            "results": results,
            "limit": REGISTER_SEARCH_LIMIT,
        },
    )
