"""The one way a report leaves the system (decision 0089): built from true counts (cached while
nothing it counts has changed), suppressed exactly once, and its reading audited with the
report, period, filters and format. Pages, prints, CSV, ODS and the API all come through
`read_report`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Model
from django.utils import timezone

from nestguard.access import rules
from nestguard.access.door import counted, policy_for, record_search, registered_models
from nestguard.cases.models import Case, CaseAddress, CaseSubject
from nestguard.places.models import Address, RepeatAddressAlert
from nestguard.referrals.models import Referral, ReferralSubject
from nestguard.reporting.period import Asked
from nestguard.reporting.registry import Report, ReportSpec

# A built report is kept this long at most, even when nothing it counts has changed: the
# triage clock ("overdue") moves with time alone.
CACHE_SECONDS = 600
# What a change to any of these moves (each read by its index on the column).
_MARKERS = (
    (Referral, "updated_at"),
    (Case, "updated_at"),
    (Address, "updated_at"),
    (RepeatAddressAlert, "raised_at"),
)


@dataclass(frozen=True)
class Shown:
    """A report as it may be shown (suppressed), and when its counts were taken."""

    report: Report
    as_of: datetime


# The tables reports join to what they count (who a referral names, where a case is).
_LINKS: tuple[type[Model], ...] = (ReferralSubject, CaseSubject, CaseAddress)
GENERATION = "reporting:generation"


@lru_cache(maxsize=1)
def counted_models() -> frozenset[type[Model]]:
    """The models reports count (those with a reporting scope) and the tables they join."""
    scoped = {m for m in registered_models() if "reporting" in policy_for(m).scopes}
    return frozenset(scoped | set(_LINKS))


def changed(sender: Any, **kwargs: Any) -> None:
    """A record that reports count was saved or deleted: cached reports are out of date.
    (Connected to post_save and post_delete in apps.py. The newest `updated_at` below also
    catches bulk loads, which send no signal; the cache's lifetime bounds anything else.)"""
    if sender in counted_models():
        try:
            cache.incr(GENERATION)
        except ValueError:
            cache.set(GENERATION, 1, None)


def last_change(user: Any) -> str:
    """A cheap marker of the latest change to what reports count: the count of saves and
    deletes seen (`changed`) and the newest update time of each counted table (one index
    lookup each)."""
    latest = [
        counted(user, model).order_by().aggregate(at=Max(field))["at"] for model, field in _MARKERS
    ]
    stamps = "|".join(at.isoformat() if at else "-" for at in latest)
    return f"{cache.get(GENERATION, 0)}|{stamps}"


def _key(spec: ReportSpec, asked: Asked, marker: str) -> str:
    raw = json.dumps([spec.name, asked.terms(), marker], sort_keys=True)
    return "reporting:report:" + hashlib.sha256(raw.encode()).hexdigest()


def build_true(user: Any, spec: ReportSpec, asked: Asked) -> tuple[Report, datetime]:
    """The report's true counts and when they were taken: from the cache while nothing counted
    has changed. The counts are the partnership's, the same for every user who may report
    (the reporting scope does not depend on who asks), so one cached copy serves them all;
    anyone else gets a fresh, empty build."""
    if not rules.may_report(user):
        return spec.build(asked.request(user)), timezone.now()
    key = _key(spec, asked, last_change(user))
    cached = cache.get(key)
    if cached is None:
        cached = (spec.build(asked.request(user)), timezone.now())
        cache.set(key, cached, CACHE_SECONDS)
    report, as_of = cached
    return report, as_of


def read_report(user: Any, spec: ReportSpec, asked: Asked, *, output: str) -> Shown:
    """The report as it may leave the system, for `output` ("page", "print", "csv", "ods",
    "api"); one `report.read` event records who took it, in what form."""
    report, as_of = build_true(user, spec, asked)
    shown = report.suppressed()
    record_search(
        user,
        "report.read",
        purpose="reporting",
        terms={"report": spec.name, **asked.terms(), "format": output},
        found=len(shown.tables),
    )
    return Shown(shown, as_of)
