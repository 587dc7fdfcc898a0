"""Who is told of a planned operation at an address: the agencies with work there.

An agency is told when it leads or works an open case at the address, owns a warning marker
in force there, or is the address's landlord (an agency whose name is the address's
`landlord`), and only when it shares a sharing agreement in force with the planning agency:
telling it discloses the plan, and telling the planner who was told discloses that the
agency has work there. An agency without an agreement is not told, and the planner does not
learn that it exists (decision 0107).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q

from nestguard.access.selectors import partner_agency_ids
from nestguard.accounts.models import Agency
from nestguard.cases.models import CaseAddress, CaseStatus, CaseTeamAgency
from nestguard.places.models import Address, WarningMarker

CASE_LEAD = "leads a case at the address"
CASE_TEAM = "works a case at the address"
MARKER = "placed a warning marker at the address"
LANDLORD = "is the address's landlord"


def recipients(address: Address, planner: Agency, on: date) -> dict[Agency, list[str]]:
    """The agencies to tell, each with why, in name order."""
    reasons: dict[object, list[str]] = defaultdict(list)
    open_cases = CaseAddress.objects.filter(address=address).exclude(case__status=CaseStatus.CLOSED)
    for agency_id in open_cases.values_list("case__lead_agency_id", flat=True).distinct():
        reasons[agency_id].append(CASE_LEAD)
    team = CaseTeamAgency.objects.filter(case__in=open_cases.values("case_id"))
    for agency_id in team.values_list("agency_id", flat=True).distinct():
        if CASE_LEAD not in reasons[agency_id]:
            reasons[agency_id].append(CASE_TEAM)
    markers = WarningMarker.objects.filter(
        Q(address=address), withdrawn_at__isnull=True, expires_on__gte=on
    )
    for agency_id in markers.values_list("owner_agency_id", flat=True).distinct():
        reasons[agency_id].append(MARKER)
    if address.landlord.strip():
        for agency_id in Agency.objects.filter(
            name__iexact=address.landlord.strip(), active=True
        ).values_list("pk", flat=True):
            reasons[agency_id].append(LANDLORD)
    partners = partner_agency_ids(planner, on)
    told = Agency.objects.filter(pk__in=[pk for pk in reasons if pk in partners], active=True)
    return {agency: reasons[agency.pk] for agency in told.order_by("name")}
