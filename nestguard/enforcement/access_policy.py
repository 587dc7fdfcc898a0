"""Who sees which enforcement step, and which addresses' enforcement records.

- a step: caseworkers and supervisors who see its case; enforcement officers also see the
  steps of their own agency and of agencies sharing an active agreement with it;
- an address's enforcement record: any register address for an enforcement officer, and for
  anyone who works cases an address where they see a step, a case or a referral.

Registered with the door from `EnforcementConfig.ready` (the addresses as the `enforcement`
scope of the places policy); read these only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from nestguard.access import door
from nestguard.access.selectors import can_work_cases
from nestguard.accounts.models import Agency, SharingAgreement
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import CaseAddress
from nestguard.enforcement.models import EnforcementAction
from nestguard.enforcement.rules import is_enforcement_officer
from nestguard.places.models import Address
from nestguard.referrals.access_policy import visible_referrals


def visible_actions(user: Any) -> QuerySet[EnforcementAction]:
    if not can_work_cases(user):
        return EnforcementAction.objects.none()
    condition = Q(case_visible(user))
    if is_enforcement_officer(user):
        condition |= Q(agency_id=user.agency_id) | Q(agency_id__in=_partner_ids_subquery(user))
    return EnforcementAction.objects.filter(condition)


def _partner_ids_subquery(user: Any) -> QuerySet[Agency, Any]:
    """`partner_agency_ids` as a subquery, so that the whole read is one query."""
    today = timezone.localdate()
    agreements = SharingAgreement.objects.filter(
        revoked_at__isnull=True, starts_on__lte=today, parties=user.agency_id
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return Agency.objects.filter(sharing_agreements__in=agreements).values("id")


def enforcement_addresses(user: Any) -> QuerySet[Address]:
    if not can_work_cases(user):
        return Address.objects.none()
    condition = (
        Q(Exists(visible_actions(user).filter(address=OuterRef("pk"))))
        | Q(Exists(CaseAddress.objects.filter(case_visible(user), address=OuterRef("pk"))))
        | Q(Exists(visible_referrals(user).filter(address=OuterRef("pk"))))
    )
    if is_enforcement_officer(user):
        condition |= Q(in_register=True)
    return Address.objects.filter(condition)


def register() -> None:
    door.register(
        door.Policy(
            EnforcementAction,
            visible_actions,
            read_event=None,  # read on its address's enforcement record, audited there
        )
    )
    door.add_scope(
        Address, "enforcement", door.Scope(enforcement_addresses, read_event="enforcement.view")
    )
