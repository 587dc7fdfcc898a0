"""Who sees which case (ARCHITECTURE.md section 5, docs/decisions/0002-access-model.md).

- caseworkers and supervisors of its lead agency;
- users named on its team;
- caseworkers and supervisors of a partner agency on its team while that agency and the lead
  agency share an active sharing agreement.

Analysts, auditors and administrators see no case content. Registered with the door
(`nestguard.access.door`) from `CasesConfig.ready`; read cases only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from nestguard.access import door
from nestguard.access.selectors import can_work_cases, partner_agency_ids
from nestguard.cases.models import Case, CaseTeamAgency, CaseTeamUser


def visible_cases(user: Any) -> QuerySet[Case]:
    if not user or not user.is_authenticated:
        return Case.objects.none()
    on_team = Exists(CaseTeamUser.objects.filter(case=OuterRef("pk"), user=user))
    condition = Q(on_team)
    if can_work_cases(user):
        partners = partner_agency_ids(user.agency)
        partner_on_team = Exists(
            CaseTeamAgency.objects.filter(case=OuterRef("pk"), agency_id=user.agency_id)
        )
        condition |= Q(lead_agency_id=user.agency_id)
        if partners:
            condition |= Q(partner_on_team, lead_agency_id__in=partners)
    return Case.objects.filter(condition)


def visible_case_ids(user: Any) -> QuerySet[Case, Any]:
    return visible_cases(user).values("pk")


def register() -> None:
    door.register(
        door.Policy(
            Case,
            visible=visible_cases,
            read_event="case.view",
            list_event="case.list",
            related=("lead_agency", "lead_worker"),
        )
    )
