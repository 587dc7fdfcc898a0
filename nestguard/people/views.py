"""Person pages: HTTP only. What a person page shows comes from `people.selectors`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from nestguard.access.door import load
from nestguard.access.rules import SIGNED_IN, access_rule, signed_in_user
from nestguard.people.models import Person
from nestguard.people.selectors import person_profile


def link_to(url_name: str, pk: Any) -> str:
    """The URL of another app's page, or "" while that page does not exist."""
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:
        return ""


@access_rule(SIGNED_IN)
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """One person as this user may see them. Who may see them is `visible_people`; anyone
    else gets 404, exactly as for a person who does not exist."""
    user = signed_in_user(request)
    profile = person_profile(user, load(user, Person, pk, purpose="case_work"))
    for case_link in profile.cases:
        case_link.url = link_to("cases:detail", case_link.case.pk)
    for referral_link in profile.referrals:
        referral_link.url = link_to("referrals:detail", referral_link.referral.pk)
    return render(
        request,
        "people/detail.html",
        {
            "profile": profile,
            "person": profile.person,
        },
    )
