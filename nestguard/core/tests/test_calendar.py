"""Working days in England and Wales, with bank holidays as data and UK local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from nestguard.core.calendar import (
    UK,
    add_working_days,
    bank_holidays,
    end_of_working_day_deadline,
    is_working_day,
    working_days_between,
)

covered = st.dates(min_value=date(2022, 1, 1), max_value=date(2028, 12, 1))


def test_the_default_bank_holidays_are_pinned() -> None:
    holidays = bank_holidays()
    assert date(2026, 12, 25) in holidays
    assert date(2026, 12, 28) in holidays  # Boxing Day falls on a Saturday: Monday instead
    assert date(2026, 12, 26) not in holidays
    assert date(2027, 3, 26) in holidays  # Good Friday
    assert len([d for d in holidays if d.year == 2026]) == 8


def test_christmas_week_2026() -> None:
    # Thursday 24 December: the 25th (Fri), weekend, 28th (substitute) are skipped.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 5)  # 1 Jan is a holiday too


def test_easter_and_month_end() -> None:
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)  # Good Friday, Easter Monday
    assert add_working_days(date(2026, 1, 30), 1) == date(2026, 2, 2)


def test_deadline_is_the_end_of_a_uk_day_across_a_clock_change() -> None:
    # 23:30 UTC on Saturday 28 March 2026 is still Saturday in London; clocks go forward
    # on Sunday 29 March. Five working days on is Friday 3 April, but Good Friday is a
    # holiday, so Monday 6 April (Easter Monday) too: Tuesday 7 April.
    moment = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    due = end_of_working_day_deadline(moment, 5)
    assert due.date() == date(2026, 4, 7)
    assert due.tzinfo == UK and due.hour == 23 and due.utcoffset() == timedelta(hours=1)


def test_late_evening_utc_counts_from_the_uk_date() -> None:
    # 23:30 UTC on 31 October 2026 is 23:30 GMT (clocks went back on 25 October), a Saturday.
    due = end_of_working_day_deadline(datetime(2026, 10, 31, 23, 30, tzinfo=UTC), 1)
    assert due.date() == date(2026, 11, 2)
    # 23:30 UTC on 30 June 2026 is 00:30 on 1 July in London.
    due = end_of_working_day_deadline(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), 1)
    assert due.date() == date(2026, 7, 2)


@given(start=covered, days=st.integers(min_value=0, max_value=40))
def test_adding_working_days_lands_on_a_working_day_that_many_working_days_on(
    start: date, days: int
) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    if days:
        assert is_working_day(end)
        assert end > start


@given(start=covered, days=st.integers(min_value=1, max_value=40))
def test_no_working_day_is_skipped(start: date, days: int) -> None:
    end = add_working_days(start, days)
    earlier = add_working_days(start, days - 1)
    between = [earlier + timedelta(n) for n in range(1, (end - earlier).days)]
    assert not any(is_working_day(d) for d in between)


@given(a=covered, b=covered)
def test_working_days_between_is_antisymmetric(a: date, b: date) -> None:
    assert working_days_between(a, b) == -working_days_between(b, a)
