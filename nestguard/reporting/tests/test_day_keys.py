"""The keys and the times to decision each day of the daily pre-aggregate keeps (decision 0129)
reconcile with the records: the repeat victims, the repeat addresses and the medians to triage
read from them equal the same tables counted live AND a count of the referrals themselves made
here by hand, for several periods (a year, a quarter, four weeks across the clocks going back,
one month), after changes that send no signal; and the check finds a stored key or time that
differs from the records."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from nestguard.core.calendar import UK
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject
from nestguard.reporting import daily, measures
from nestguard.reporting.models import ReferralDay, ReferralDayDecision, ReferralDayKey
from nestguard.reporting.registry import ReportRequest

from .conftest import END, PERIODS, START, World

pytestmark = pytest.mark.django_db

READ_FROM_KEYS = (measures.repeat_victims, measures.repeat_addresses, measures.triage_timeliness)


def _tables(user: Any, start: date, end: date, *, aggregate: bool) -> list[Any]:
    with override_settings(NESTGUARD_REPORTS_DAILY=aggregate):
        request = ReportRequest(user, start, end)
        assert daily.usable(request) is aggregate
        return [measure(request) for measure in READ_FROM_KEYS]


def _repeats(counts: Counter[Any]) -> list[int]:
    return [
        sum(1 for n in counts.values() if n == 1),
        sum(1 for n in counts.values() if n == 2),
        sum(1 for n in counts.values() if n >= 3),
    ]


def _median_hours(values: list[int]) -> Decimal | None:
    if not values:
        return None
    values = sorted(values)
    middle = values[(len(values) - 1) // 2 : len(values) // 2 + 1]
    return (Decimal(sum(middle) / len(middle) / 1_000_000) / 3600).quantize(Decimal("0.1"))


def _by_hand(start: date, end: date) -> dict[str, list[Any]]:
    """The three tables' figures from the referrals and their subjects, in Python."""
    first = datetime.combine(start, time.min, tzinfo=UK)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UK)
    period = list(Referral.objects.filter(submitted_at__gte=first, submitted_at__lt=after))
    ids = {r.pk for r in period}
    named = {
        (s.person_id, s.referral_id)
        for s in ReferralSubject.objects.filter(referral_id__in=ids)
        if s.role in measures.AT_RISK_ROLES and s.person_id is not None
    }
    took: dict[str, list[int]] = {"within": [], "after": []}
    for r in period:
        if r.decided_at is not None and r.submitted_at is not None:
            gap = r.decided_at - r.submitted_at
            micro = (gap.days * 86_400 + gap.seconds) * 1_000_000 + gap.microseconds
            took["within" if r.decided_at <= r.triage_due_at else "after"].append(micro)
    return {
        "victims": _repeats(Counter(person for person, _ in named)),
        "addresses": _repeats(Counter(r.address_id for r in period if r.address_id)),
        "medians": [
            _median_hours(took["within"]),
            _median_hours(took["after"]),
            _median_hours(took["within"] + took["after"]),
        ],
    }


def _shown(tables: list[Any]) -> dict[str, list[Any]]:
    victims, addresses, clock = tables
    return {
        "victims": [row[1] for row in victims.rows[:3]],
        "addresses": [row[1] for row in addresses.rows[:3]],
        "medians": [clock.rows[0][-1], clock.rows[1][-1], clock.rows[4][-1]],
    }


def _agree(user: Any, start: date = START, end: date = END) -> dict[str, list[Any]]:
    kept = _tables(user, start, end, aggregate=True)
    assert kept == _tables(user, start, end, aggregate=False)
    figures = _shown(kept)
    assert figures == _by_hand(start, end)
    return figures


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_repeats_and_medians_from_the_days_equal_the_records(
    world: World, start: date, end: date
) -> None:
    ReferralDay.objects.all().delete()
    analyst = world.users["analyst"]
    figures = _agree(analyst, start, end)  # counted into the days, then read from them
    assert ReferralDayKey.objects.filter(day__range=(start, end)).exists()
    assert daily.current_days(analyst, start, end) == 0
    _agree(analyst, start, end)  # read from the stored days alone
    assert daily.check(analyst, start, end) == []
    if (start, end) == (START, END):
        # The year names people and addresses more than once: the tables are not all "once".
        assert figures["victims"][1] + figures["victims"][2] > 0
        assert figures["addresses"][1] + figures["addresses"][2] > 0
        assert None not in figures["medians"]


def test_changes_that_send_no_signal_move_the_keys_and_times(world: World) -> None:
    """A triage decision, a referral moved to another day and one taken back to a draft, all
    by `QuerySet.update`: the days differ from their fingerprints, are counted again, and the
    repeats and medians still equal the records."""
    analyst = world.users["analyst"]
    _agree(analyst)
    period = measures.referrals(ReportRequest(analyst, START, END))
    newest = Referral.objects.aggregate(at=Max("updated_at"))["at"]
    now = max(timezone.now(), newest + timedelta(minutes=1))
    waiting = period.filter(decided_at__isnull=True).order_by("submitted_at").first()
    assert waiting is not None and waiting.submitted_at is not None
    Referral.objects.filter(pk=waiting.pk).update(
        status=ReferralStatus.DECLINED,
        decided_at=waiting.submitted_at + timedelta(hours=3),
        updated_at=now + timedelta(seconds=1),
    )
    # A person named again: a referral about them moved into the same day as another.
    person = (
        ReferralSubject.objects.filter(
            referral__in=period, role__in=measures.AT_RISK_ROLES, person__isnull=False
        )
        .values_list("person_id", flat=True)
        .first()
    )
    theirs = period.filter(subjects__person_id=person).order_by("submitted_at")
    moved = period.exclude(pk__in=theirs.values("pk")).filter(address__isnull=False).last()
    assert moved is not None and moved.submitted_at is not None
    ReferralSubject.objects.filter(referral=moved).update(person_id=person)
    Referral.objects.filter(pk=moved.pk).update(
        submitted_at=moved.submitted_at - timedelta(days=30), updated_at=now + timedelta(seconds=2)
    )
    _agree(analyst)
    gone = period.order_by("submitted_at").first()
    assert gone is not None
    Referral.objects.filter(pk=gone.pk).update(submitted_at=None)
    _agree(analyst)
    assert daily.check(analyst, START, END) == []


def test_the_check_finds_a_stored_key_or_time_that_differs(world: World) -> None:
    analyst = world.users["analyst"]
    _agree(analyst)
    key = ReferralDayKey.objects.filter(day__range=(START, END), measure="person").first()
    decision = ReferralDayDecision.objects.filter(day__range=(START, END)).first()
    assert key is not None and decision is not None
    ReferralDayKey.objects.filter(pk=key.pk).update(n=key.n + 1)
    ReferralDayDecision.objects.filter(pk=decision.pk).update(took=decision.took + 1)
    found = {
        (m.day, m.measure, m.value, m.stored, m.counted) for m in daily.check(analyst, START, END)
    }
    assert (key.day, "person", str(key.key), key.n + 1, key.n) in found
    assert (decision.day, decision.clock, str(decision.took + 1), 1, 0) in found
    assert len(found) == 3  # the wrong time stored, the right one missing
    assert {m.day for m in daily.reconcile(analyst, START, END)} == {key.day, decision.day}
    daily.count_days(analyst, min(key.day, decision.day), max(key.day, decision.day))
    assert daily.check(analyst, START, END) == []
