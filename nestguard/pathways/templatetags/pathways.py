"""`{% pathways_case_section case %}`: the case page's section on missing episodes, the NRM
and onward referrals, read through the pathways selectors for the signed-in user."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from nestguard.access.selectors import can_work_cases
from nestguard.cases.models import CaseStatus
from nestguard.pathways import policy, rules, selectors

register = template.Library()


def _people(case: Any) -> list[Any]:
    """Each person named on the case once, whatever their roles."""
    people: dict[Any, Any] = {}
    for subject in case.subjects.select_related("person").order_by(
        "person__family_name", "person__given_name"
    ):
        people.setdefault(subject.person_id, subject.person)
    return list(people.values())


@register.inclusion_tag("pathways/_case_section.html", takes_context=True)
def pathways_case_section(context: Any, case: Any) -> dict[str, Any]:
    user = context["request"].user
    now = timezone.now()
    hours = policy.rhi_hours()
    episodes = selectors.case_missing_episodes(user, case)
    rows = []
    for episode in episodes:
        interview = getattr(episode, "return_interview", None)
        rows.append(
            {
                "episode": episode,
                "rhi_overdue": selectors.rhi_clock(episode, interview).overdue(now),
            }
        )
    is_open = case.status != CaseStatus.CLOSED
    contribute = is_open and rules.can_send_onward(user, case)
    return {
        "case": case,
        "nrm": selectors.case_nrm_standings(user, case),
        "episodes": rows,
        "onward": selectors.case_onward_referrals(user, case),
        "people": _people(case) if is_open and can_work_cases(user) else [],
        "may_refer_nrm": is_open and rules.can_refer_to_nrm(user),
        "may_refer_onward": contribute,
        "services": policy.services(),
        "statuses": policy.codes("onward_statuses"),
        "rhi_hours": hours,
    }
