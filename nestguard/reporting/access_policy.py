"""Who sees the project costs: those whose role is the partnership's picture (analysts,
supervisors and partnership managers, `rules.REPORTING`). A cost entry holds a project's name,
a period and a sum, no personal data, so reading one is not audited; entering one is (the
service). Registered with the door from `ReportingConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door, rules
from nestguard.reporting.models import ProjectCost
from nestguard.reporting.scopes import reporting_scope


def visible_costs(user: Any) -> QuerySet[ProjectCost]:
    if rules.may_report(user):
        return ProjectCost.objects.all()
    return ProjectCost.objects.none()


def register() -> None:
    door.register(
        door.Policy(
            ProjectCost,
            visible=visible_costs,
            read_event=None,
            related=("entered_by",),
            # Counted too: a new cost must move the reports' cache marker (reading.py).
            scopes={"reporting": reporting_scope(ProjectCost)},
        )
    )
