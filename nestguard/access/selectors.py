"""Generic helpers of the access model that know no domain model (the identity layer only).

Which records a user may see is each app's registered policy (`<app>/access_policy.py`), read
through the door (`nestguard.access.door`): `visible(user, Model)` and `load(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db.models import Exists, Expression, Q, QuerySet
from django.utils import timezone

from nestguard.access.rules import CASE_ROLES
from nestguard.accounts.models import Agency, SharingAgreement
from nestguard.core.queries import compile_records, one_of, one_of_compiled

T = TypeVar("T")


def _active_agreements(on: date) -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.filter(revoked_at__isnull=True, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


# Reads kept for one request that writes nothing (GET, HEAD: AccessRuleMiddleware opens the
# scope; decision 0081, "perf2"): the partner agencies every visibility selector asks for, and
# what one page and its timeline both read. A request that writes (and so may end an
# agreement) never reads an answer it has made stale; outside a scope nothing is remembered.
_read_once: ContextVar[dict[Any, Any] | None] = ContextVar("nestguard_read_once", default=None)


@contextmanager
def reads_once() -> Iterator[None]:
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def remembered(key: Any, read: Callable[[], T]) -> T:
    """`read()`, or within a `reads_once` scope the answer it gave for `key` already."""
    seen = _read_once.get()
    if seen is None:
        return read()
    if key not in seen:
        seen[key] = read()
    return cast(T, seen[key])


def one_of_remembered(
    key: Any, records: Callable[[], QuerySet[Any]], field: str = "pk"
) -> Exists | Expression | Q:
    """`one_of(records(), field)`; within a `reads_once` scope, with the records' condition
    compiled to SQL once for the request under `key` (decision 0141): a page asks whether a
    row is one of the cases (or people) the user may see once for each of its sections.
    `key` names what `records()` answers, as `remembered`'s keys do."""
    if _read_once.get() is None or not settings.NESTGUARD_COMPILE_DOOR_CONDITIONS:
        return one_of(records(), field)
    compiled = remembered(("one_of_remembered", key), lambda: compile_records(records()))
    return one_of_compiled(compiled, field)


def partner_agency_ids(agency: Agency | None, on: date | None = None) -> set[Any]:
    """Agencies that share an active sharing agreement with `agency`."""
    if agency is None:
        return set()
    day = on or timezone.localdate()

    def read() -> frozenset[Any]:
        agreements = _active_agreements(day).filter(parties=agency)
        ids = Agency.objects.filter(sharing_agreements__in=agreements).values_list("id", flat=True)
        return frozenset(ids) - {agency.id}

    return set(remembered(("partner_agency_ids", agency.id, day), read))


def can_work_cases(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.agency_id and user.has_role(*CASE_ROLES))
