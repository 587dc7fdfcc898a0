"""The subject access clock: calendar months, short months, weekends and bank holidays."""

from __future__ import annotations

from datetime import date

import pytest

from nestguard.rights.deadlines import add_calendar_months, sar_due_on, sar_extended_due_on


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 15), date(2026, 4, 15)),  # the corresponding day (a Wednesday)
        (date(2026, 1, 31), date(2026, 3, 2)),  # no 31 February: the 28th, a Saturday: Monday
        (date(2026, 11, 25), date(2026, 12, 29)),  # Christmas Day, then the Boxing Day substitute
        (date(2026, 12, 10), date(2027, 1, 11)),  # across the year; 10 January 2027 is a Sunday
    ],
)
def test_a_request_is_due_one_calendar_month_later_on_a_working_day(
    received: date, due: date
) -> None:
    assert sar_due_on(received) == due


def test_the_extension_is_two_further_months_from_receipt() -> None:
    assert sar_extended_due_on(date(2026, 3, 15)) == date(2026, 6, 15)
    assert add_calendar_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_calendar_months(date(2027, 11, 30), 3) == date(2028, 2, 29)  # a leap year
