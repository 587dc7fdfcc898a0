"""Housing signals for the demo borough, and the prevention lists of the last four weeks.

Northbrook Council Housing sends signals about council tenancies (through the same service
as the API), the list is built for each of the last four weeks, and a few older entries have
what the housing caseworker did recorded: so `/prevention/` shows this week's entries with
their reasons, and a summary with something in it. Deterministic: its own random generator.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from nestguard.demo.partnership import Partnership
from nestguard.places.models import Address
from nestguard.prevention.models import PreventionAction, PreventionEntry, SignalBatch
from nestguard.prevention.policy import week_start_of
from nestguard.prevention.services.actions import prevention_action_record
from nestguard.prevention.services.signals import housing_signals_receive
from nestguard.prevention.services.weekly import prevention_list_build

# Tenancies with signals; patterns decide which reach the threshold and when.
TENANCIES = 48
WEEKS = 4
# (signal, days before this week's Monday, amount) for each pattern: the first three
# qualify (keys and visitors; arrears and no access; abandonment), the last two do not.
PATTERNS: tuple[tuple[tuple[str, int, str], ...], ...] = (
    (("key_or_fob_request", 3, ""), ("key_or_fob_request", 12, ""), ("visitor_complaint", 5, "")),
    (("rent_arrears", 20, "412.50"), ("repairs_no_access", 9, ""), ("asb_complaint", 2, "")),
    (("abandonment_suspected", 6, ""), ("support_disengaged", 15, ""), ("asb_complaint", 30, "")),
    (("rent_arrears", 40, "96.00"), ("asb_complaint", 8, "")),
    (("key_or_fob_request", 50, ""),),
)


def seed_prevention(*, partnership: Partnership, today: date, seed: int = 90) -> dict[str, int]:
    rng = random.Random(seed)
    worker = partnership.users["housing.caseworker"]
    homes = list(
        Address.objects.filter(in_register=True, tenure="council")
        .order_by("uprn")
        .values_list("uprn", flat=True)[:TENANCIES]
    )
    monday = week_start_of(today)
    rows: list[tuple[int, dict[str, str]]] = []
    for uprn in homes:
        pattern = rng.choice(PATTERNS)
        weeks_back = rng.randrange(WEEKS)  # when the pattern happened
        for signal, days, amount in pattern:
            observed = monday - timedelta(days=days + 7 * weeks_back)
            rows.append((len(rows), _row(uprn, signal, observed, amount)))
    signals = housing_signals_receive(
        actor=worker, agency=None, rows=rows, via=SignalBatch.Via.DEMO, source_name="demo"
    )
    for back in range(WEEKS - 1, -1, -1):
        prevention_list_build(actor=None, week_start=monday - timedelta(weeks=back))
    acted = _record_actions(worker, monday)
    return {
        "housing_signals": len(signals),
        "prevention_entries": PreventionEntry.objects.count(),
        "prevention_actions": acted,
    }


def _row(uprn: Any, signal: str, observed: date, amount: str) -> dict[str, str]:
    return {
        "uprn": str(uprn),
        "signal": signal,
        "observed_on": observed.isoformat(),
        "amount": amount,
        "notes": "",
    }


def _record_actions(worker: Any, monday: date) -> int:
    """The caseworker worked the older weeks: a visit, and a false positive closed."""
    older = PreventionEntry.objects.filter(week_start__lt=monday).select_related("address")
    kinds = (
        (PreventionAction.Kind.VISITED, "Visited: tenant at home, spoke about the key requests"),
        (PreventionAction.Kind.NO_CONCERN, "No concern: the arrears are on a payment plan"),
    )
    done = 0
    for entry, (kind, note) in zip(older.order_by("week_start", "id")[:6], kinds * 3, strict=False):
        prevention_action_record(actor=worker, entry=entry, kind=kind, note=note)
        done += 1
    return done
