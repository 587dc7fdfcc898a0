"""Generic helpers of the access model that know no domain model (the identity layer only).

Which records a user may see is each app's registered policy (`<app>/access_policy.py`), read
through the door (`nestguard.access.door`): `visible(user, Model)` and `load(...)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


# Partner agencies read once per request (decision 0081, "perf2"): every visibility selector
# asks, and a page that lists several kinds of record asked up to fifteen times. Only within a
# request that writes nothing (GET, HEAD), so a request that ends an agreement never reads a
# partnership it has just ended; outside a request nothing is remembered.
_partners_seen: ContextVar[dict[tuple[Any, date], frozenset[Any]] | None] = ContextVar(
    "nestguard_partners_seen", default=None
)


@contextmanager
def partners_read_once() -> Iterator[None]:
    token = _partners_seen.set({})
    try:
        yield
    finally:
        _partners_seen.reset(token)


def partner_agency_ids(agency: Agency | None, on: date | None = None) -> set[Any]:
    """Agencies that share an active sharing agreement with `agency`."""
    if agency is None:
        return set()
    day = on or timezone.localdate()
    seen = _partners_seen.get()
    if seen is not None and (agency.id, day) in seen:
        return set(seen[agency.id, day])
    agreements = _active_agreements(day).filter(parties=agency)
    ids = set(Agency.objects.filter(sharing_agreements__in=agreements).values_list("id", flat=True))
    ids.discard(agency.id)
    if seen is not None:
        seen[agency.id, day] = frozenset(ids)
    return ids


def can_work_cases(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.agency_id and user.has_role(*CASE_ROLES))
