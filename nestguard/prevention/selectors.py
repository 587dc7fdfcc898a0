"""Reads of the prevention list, all starting from the door."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from nestguard.access.door import visible
from nestguard.prevention.models import HousingSignal, PreventionAction, PreventionEntry
from nestguard.prevention.policy import prevention_rules, signal_codes
from nestguard.referrals.models import ReferralStatus


def entries_for(user: Any) -> QuerySet[PreventionEntry]:
    """The user's agency's entries, newest week first, highest score first."""
    return (
        visible(user, PreventionEntry)
        .select_related("address")
        .annotate(acted=Exists(PreventionAction.objects.filter(entry=OuterRef("pk"))))
        .order_by("-week_start", "-score", "id")
    )


@dataclass(frozen=True)
class Reason:
    """One signal that put the entry on the list, with its rule's weight and source."""

    signal: str
    label: str
    observed_on: date
    weight: int
    source: str


def reasons(entry: PreventionEntry) -> list[Reason]:
    codes = signal_codes()
    rules = prevention_rules().rules
    return [
        Reason(
            signal=c["signal"],
            label=codes.label(c["signal"]),
            observed_on=date.fromisoformat(c["observed_on"]),
            weight=int(c["weight"]),
            source=rules[c["signal"]].source if c["signal"] in rules else "",
        )
        for c in entry.contributions
    ]


def signals_at(user: Any, entry: PreventionEntry) -> QuerySet[HousingSignal]:
    """The agency's signals at the entry's address observed before its week (with notes)."""
    return visible(user, HousingSignal).filter(
        address_id=entry.address_id, observed_on__lt=entry.week_start
    )[:50]


@dataclass(frozen=True)
class Summary:
    since: date
    entries: int
    acted_on: int
    referrals_sent: int
    referrals_started: int


def summary(user: Any, since: date) -> Summary:
    """The agency's own operational counts from `since`: entries, entries acted on, and
    entries that led to a referral (sent; or started and still a draft). Not suppressed:
    they count rows the same users see in full on the list (decision 0090)."""
    entries = visible(user, PreventionEntry).filter(week_start__gte=since)
    actions = PreventionAction.objects.filter(entry__in=entries)
    referred = actions.filter(kind=PreventionAction.Kind.REFERRED, referral__isnull=False)
    sent = referred.exclude(referral__status=ReferralStatus.DRAFT)
    return Summary(
        since=since,
        entries=entries.count(),
        acted_on=actions.values("entry").distinct().count(),
        referrals_sent=sent.values("entry").distinct().count(),
        referrals_started=referred.filter(referral__status=ReferralStatus.DRAFT)
        .values("entry")
        .distinct()
        .count(),
    )
