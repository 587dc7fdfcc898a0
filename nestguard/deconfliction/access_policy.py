"""Who sees a planned operation: caseworkers and supervisors of the agency that planned it,
and of each agency told of it while its agreement with the planner is in force (an ended
agreement answers as if nothing was told). Told agencies see their own notice and answer,
never which other agencies were told (decision 0107). Registered from the AppConfig."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nestguard.access import door
from nestguard.access.rules import CASE_ROLES
from nestguard.access.selectors import partner_agency_ids
from nestguard.deconfliction.models import Notice, PlannedOperation


def _works_cases(user: Any) -> bool:
    return bool(user.agency_id) and user.has_role(*CASE_ROLES)


def visible_operations(user: Any) -> QuerySet[PlannedOperation]:
    if not _works_cases(user):
        return PlannedOperation.objects.none()
    told = Q(
        notices__agency_id=user.agency_id,
        agency_id__in=partner_agency_ids(user.agency),
    )
    return PlannedOperation.objects.filter(Q(agency_id=user.agency_id) | told).distinct()


def visible_notices(user: Any) -> QuerySet[Notice]:
    """The planner's agency sees every notice of its operations; a told agency its own."""
    if not _works_cases(user):
        return Notice.objects.none()
    own = Q(agency_id=user.agency_id, operation__agency_id__in=partner_agency_ids(user.agency))
    return Notice.objects.filter(Q(operation__agency_id=user.agency_id) | own)


def register() -> None:
    door.register(
        door.Policy(
            PlannedOperation,
            visible_operations,
            read_event="deconfliction.view",
            list_event="deconfliction.list",
            related=("address", "agency", "planned_by"),
        )
    )
    door.register(door.Policy(Notice, visible_notices, read_event=None, related=("agency",)))
