"""Who sees which risk assessment: whoever may see its case.

Registered with the door from `RiskConfig.ready`; read assessments only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.cases.access_policy import case_visible
from nestguard.risk.models import RiskAssessment


def visible_assessments(user: Any) -> QuerySet[RiskAssessment]:
    return RiskAssessment.objects.filter(case_visible(user))


def panel_assessments(scope: door.PanelScope) -> QuerySet[RiskAssessment]:
    return RiskAssessment.objects.filter(case_id__in=scope.case_ids)


def register() -> None:
    door.register(
        door.Policy(
            RiskAssessment,
            visible=visible_assessments,
            read_event="risk.view",
            related=("case", "case__lead_agency", "assessed_by", "person"),
            for_panel=panel_assessments,
        )
    )
