"""`{% pathways_case_section case %}`: the case page's section on missing episodes, the NRM
and onward referrals, read through the pathways selectors for the signed-in user."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from nestguard.cases.models import CaseStatus
from nestguard.pathways import policy, rules, selectors

register = template.Library()


@register.inclusion_tag("pathways/_case_section.html", takes_context=True)
def pathways_case_section(context: Any, case: Any, may: Any, subjects: Any) -> dict[str, Any]:
    """For a case the page already loaded through `visible_cases`, with the page's own
    permissions (`may`) and people (`subjects`): three queries in all."""
    user = context["request"].user
    now = timezone.now()
    section = selectors.case_section(case)
    rows = [
        {"episode": e, "rhi_overdue": selectors.rhi_clock(e, interview).overdue(now)}
        for e, interview in section.episodes
    ]
    is_open = case.status != CaseStatus.CLOSED
    people = [s["row"].person for s in subjects] if is_open and may.contribute else []
    return {
        "case": case,
        "nrm": section.nrm,
        "episodes": rows,
        "onward": section.onward,
        "people": people,
        "may_refer_nrm": bool(people) and rules.can_refer_to_nrm(user),
        "may_refer_onward": is_open and may.contribute,
        "statuses": policy.codes("onward_statuses"),
    }


@register.inclusion_tag("pathways/_person_section.html", takes_context=True)
def pathways_person_section(context: Any, person: Any) -> dict[str, Any]:
    """The person page's missing episodes the signed-in user may see, with where each ended
    (one query)."""
    return {"episodes": selectors.person_episodes(context["request"].user, person)}
