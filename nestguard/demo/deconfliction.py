"""Deconfliction in the demo borough (decision 0107): the police plan a warrant at the home
of a victim on one of the hub's open cases, three days from now, so that the hub
(which leads the case) is told, sees it on its due-and-overdue view and can answer; and a
welfare visit by council housing at another case address, already answered by the hub."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from nestguard.cases.models import CaseAddress, CaseStatus
from nestguard.deconfliction.services.operations import notice_respond, operation_plan
from nestguard.demo.partnership import Partnership


def _case_addresses(partnership: Partnership, count: int) -> list[CaseAddress]:
    hub = partnership.agencies["hub"]
    return list(
        CaseAddress.objects.filter(case__lead_agency=hub, address__in_register=True)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("address")
        .order_by("case__reference")[:count]
    )


def seed_deconfliction(*, partnership: Partnership) -> dict[str, int]:
    """Windows from the real clock, not the seed's "now": a plan's window must lie ahead of
    the moment it is made, whatever instant the history was seeded up to."""
    places = _case_addresses(partnership, 2)
    if len(places) < 2:
        return {"planned_operations": 0}
    police = partnership.users["police.caseworker"]
    housing = partnership.users["housing.caseworker"]
    start = (timezone.now() + timedelta(days=3)).replace(hour=6, minute=0, second=0, microsecond=0)
    operation_plan(
        police,
        address=places[0].address,
        kind="warrant",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        partner_note="Drugs warrant; entry will be forced if nobody answers.",
    )
    visit_start = start + timedelta(days=1, hours=4)
    visit = operation_plan(
        housing,
        address=places[1].address,
        kind="visit",
        starts_at=visit_start,
        ends_at=visit_start + timedelta(hours=2),
        partner_note="Tenancy welfare visit with the tenant's support worker.",
    )
    hub_notice = visit.notices.filter(agency=partnership.agencies["hub"]).first()
    if hub_notice is not None:
        notice_respond(
            partnership.users["hub.caseworker"],
            notice=hub_notice,
            response="vulnerable_occupant",
            note="The tenant is frightened of visitors: call the hub first on 01632 960100.",
        )
    return {"planned_operations": 2}
