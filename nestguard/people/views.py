"""Person pages: HTTP only. What a person page shows comes from `people.selectors`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from nestguard.access.door import load
from nestguard.access.rules import (
    CASEWORK,
    NETWORK_VIEWING,
    SIGNED_IN,
    access_rule,
    signed_in_user,
)
from nestguard.access.selectors import can_work_cases
from nestguard.core.pages import form_acted, posted
from nestguard.people.equality import EQUALITY_FIELDS, MONITORING_ONLY, equality_rows
from nestguard.people.forms import EqualityForm
from nestguard.people.models import Person
from nestguard.people.selectors import person_profile
from nestguard.people.services import person_equality_record


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
            "equality": equality_rows(profile.person),
            "may_record_equality": can_work_cases(user),
            "may_see_network": NETWORK_VIEWING.allows(user),
            "monitoring_only": MONITORING_ONLY,
        },
    )


@access_rule(CASEWORK)
def equality(request: HttpRequest, pk: Any) -> HttpResponse:
    """Record a person's sex, gender identity and ethnic group, for equality monitoring only.
    The same 404 as the person page for a person this user may not see."""
    user = signed_in_user(request)
    person = load(user, Person, pk, purpose="case_work")
    initial = {name: getattr(person, name) for name in EQUALITY_FIELDS}
    form = EqualityForm(posted(request), initial=initial)
    acted = form_acted(
        request,
        form,
        lambda data: person_equality_record(actor=user, person=person, **data),
        done="Equality monitoring details saved",
        then=reverse("people:detail", kwargs={"pk": person.pk}),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "people/equality.html",
        {"person": person, "form": form, "monitoring_only": MONITORING_ONLY},
    )
