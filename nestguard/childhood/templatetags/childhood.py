"""The person and case pages' sections on placements, education and transitions:
`{% load childhood %}{% childhood_person_section person %}` and
`{% childhood_case_section case %}`, read through the door for the signed-in user."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.access.selectors import can_work_cases
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import Case, CaseSubject
from nestguard.childhood.models import EducationStatus, Placement, TransitionPlan
from nestguard.childhood.selectors import current, transitions
from nestguard.childhood.services.transitions import may_record

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("childhood/_person_section.html", takes_context=True)
def childhood_person_section(context: Any, person: Any) -> dict[str, Any]:
    """Shown only to those who see a case naming the person (the door's rule for these
    records): anyone else, who sees the person through a referral in triage, sees nothing,
    not even that there is nothing."""
    user = _user(context)
    on_case = user is not None and (
        CaseSubject.objects.filter(case_visible(user), person=person).exists()
    )
    if not on_case:
        return {"shown": False}
    today = timezone.localdate()
    return {
        "shown": True,
        "person": person,
        "placements": list(
            visible(user, Placement).filter(person=person).select_related("address")
        ),
        "education": list(visible(user, EducationStatus).filter(person=person)),
        "transitions": transitions(visible(user, Case), today, people=[person.pk]),
        "plans": list(
            visible(user, TransitionPlan)
            .filter(person=person)
            .select_related("case", "adult_agency")
        ),
        "may_record": can_work_cases(user),
    }


@register.inclusion_tag("childhood/_case_section.html", takes_context=True)
def childhood_case_section(context: Any, case: Case) -> dict[str, Any]:
    """For a case the page already loaded through the door."""
    user = _user(context)
    if user is None:
        return {}
    today = timezone.localdate()
    people = CaseSubject.objects.filter(case=case).values("person_id")
    placements = {
        p.person_id: p
        for p in current(visible(user, Placement).filter(person_id__in=people), today)
        .select_related("person")
        .order_by("starts_on")
    }
    education = {
        e.person_id: e
        for e in current(visible(user, EducationStatus).filter(person_id__in=people), today)
        .select_related("person")
        .order_by("starts_on")
    }
    children = [
        {
            "person": (placements.get(pk) or education[pk]).person,
            "placement": placements.get(pk),
            "education": education.get(pk),
        }
        for pk in {**placements, **education}
    ]
    due = transitions(visible(user, Case).filter(pk=case.pk), today)
    return {
        "case": case,
        "children": sorted(children, key=lambda c: c["person"].display_name),
        "transitions": [
            {
                "person": d.person,
                "adult_on": d.adult_on,
                "adult_agencies": [a.name for a in d.adult_agencies],
                "may_record": may_record(user, d),
            }
            for d in due
        ],
        "plans": list(
            visible(user, TransitionPlan).filter(case=case).select_related("person", "adult_agency")
        ),
    }
