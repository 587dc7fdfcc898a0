"""Generic helpers of the access model that know no domain model (the identity layer only).

Which records a user may see is each app's registered policy (`<app>/access_policy.py`), read
through the door (`nestguard.access.door`): `visible(user, Model)` and `load(...)`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from nestguard.access.rules import CASE_ROLES
from nestguard.accounts.models import Agency, SharingAgreement


def _active_agreements(on: date) -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.filter(revoked_at__isnull=True, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


def partner_agency_ids(agency: Agency | None, on: date | None = None) -> set[Any]:
    """Agencies that share an active sharing agreement with `agency`."""
    if agency is None:
        return set()
    agreements = _active_agreements(on or timezone.localdate()).filter(parties=agency)
    ids = set(Agency.objects.filter(sharing_agreements__in=agreements).values_list("id", flat=True))
    ids.discard(agency.id)
    return ids


def can_work_cases(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.agency_id and user.has_role(*CASE_ROLES))
