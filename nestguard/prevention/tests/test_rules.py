"""The rules as data and the one function that applies them: windows, caps, the minimum
amount and the threshold, at the edges of UK dates."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from nestguard.prevention.policy import (
    RULES_FILE,
    SignalFact,
    parse_rules,
    prevention_rules,
    score,
    signal_codes,
    week_start_of,
)

MONDAY = date(2026, 11, 30)


def fact(code: str, day: date, amount: str | None = None) -> SignalFact:
    return SignalFact(code, day, Decimal(amount) if amount is not None else None)


def test_the_default_rules_are_pinned() -> None:
    rules = prevention_rules()
    assert rules.threshold == 5
    assert rules.retention_days == 365
    assert {code: (r.weight, r.window_days, r.max_count) for code, r in rules.rules.items()} == {
        "rent_arrears": (2, 90, 1),
        "key_or_fob_request": (2, 60, 3),
        "repairs_no_access": (2, 60, 2),
        "visitor_complaint": (2, 30, 3),
        "asb_complaint": (1, 60, 3),
        "abandonment_suspected": (3, 30, 1),
        "support_disengaged": (2, 60, 1),
    }
    assert rules.rules["rent_arrears"].min_amount == Decimal("100.00")


def test_every_signal_has_a_rule_with_a_source_and_a_description() -> None:
    rules = prevention_rules()
    assert set(rules.rules) == set(signal_codes().values)
    for code in signal_codes().codes:
        assert code.get("description")
        assert rules.rules[code.code].source


def test_a_rule_for_anything_but_a_signal_is_refused() -> None:
    raw = json.loads(RULES_FILE.read_text())
    raw["rules"]["age_under_25"] = {"weight": 1, "window_days": 1, "max_count": 1, "source": "x"}
    with pytest.raises(ValueError, match="not a signal code"):
        parse_rules(raw)
    raw = json.loads(RULES_FILE.read_text())
    raw["rules"]["asb_complaint"]["source"] = ""
    with pytest.raises(ValueError, match="names no source"):
        parse_rules(raw)


@pytest.mark.parametrize(
    ("observed", "counts"),
    [
        (MONDAY - timedelta(days=1), True),  # Sunday 29 November: the last day counted
        (MONDAY, False),  # the week's own Monday belongs to next week's list
        (MONDAY - timedelta(days=30), True),  # the first day of a 30-day window
        (MONDAY - timedelta(days=31), False),  # a day before it
    ],
)
def test_the_window_is_the_days_before_the_week_starts(observed: date, counts: bool) -> None:
    result = score([fact("visitor_complaint", observed)], MONDAY, prevention_rules())
    assert result.total == (2 if counts else 0)


def test_the_window_crosses_the_clocks_going_back_by_dates_not_hours() -> None:
    """Monday 23 November 2026, 30 days after Saturday 24 October (BST): a date window, so
    the hour lost or gained on Sunday 25 October changes nothing."""
    monday = date(2026, 11, 23)
    rules = prevention_rules()
    assert score([fact("visitor_complaint", date(2026, 10, 24))], monday, rules).total == 2
    assert score([fact("visitor_complaint", date(2026, 10, 23))], monday, rules).total == 0


def test_a_rule_counts_at_most_max_count_signals_newest_first() -> None:
    days = [MONDAY - timedelta(days=n) for n in (1, 2, 3, 4, 5)]
    result = score([fact("key_or_fob_request", d) for d in days], MONDAY, prevention_rules())
    assert result.total == 6
    assert [c.observed_on for c in result.contributions] == days[:3]


def test_arrears_count_from_the_minimum_amount() -> None:
    rules = prevention_rules()
    day = MONDAY - timedelta(days=3)
    assert score([fact("rent_arrears", day, "99.99")], MONDAY, rules).total == 0
    assert score([fact("rent_arrears", day, "100.00")], MONDAY, rules).total == 2
    assert score([fact("rent_arrears", day)], MONDAY, rules).total == 0


def test_the_threshold_decides_who_is_listed() -> None:
    rules = prevention_rules()
    day = MONDAY - timedelta(days=2)
    four = score([fact("key_or_fob_request", day), fact("visitor_complaint", day)], MONDAY, rules)
    five = score([*([fact("asb_complaint", day)] * 1), fact("key_or_fob_request", day),
                  fact("visitor_complaint", day)], MONDAY, rules)  # fmt: skip
    assert (four.total, four.qualifies(rules)) == (4, False)
    assert (five.total, five.qualifies(rules)) == (5, True)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 11, 30), date(2026, 11, 30)),
        (date(2026, 12, 6), date(2026, 11, 30)),  # a Sunday belongs to the week before
        (date(2027, 1, 1), date(2026, 12, 28)),  # New Year's Day: the week began in 2026
        (date(2026, 3, 29), date(2026, 3, 23)),  # the Sunday the clocks go forward
    ],
)
def test_weeks_start_on_monday(day: date, monday: date) -> None:
    assert week_start_of(day) == monday
