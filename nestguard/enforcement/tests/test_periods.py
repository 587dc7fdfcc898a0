"""The statutory clocks at their edges: Christmas, bank holidays, month ends, clock changes."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from nestguard.core.calendar import UK, is_working_day
from nestguard.enforcement import periods
from nestguard.enforcement.ladder import ladder, step_deadlines

moments = st.datetimes(
    min_value=datetime(2022, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC)
)


def _uk(*args: int) -> datetime:
    return datetime(*args, tzinfo=UK)  # type: ignore[misc]


def test_48_hours_from_christmas_eve_evening_skip_christmas_day() -> None:
    due = periods.add_elapsed_hours(_uk(2026, 12, 24, 18, 30), 48, disregard_christmas=True)
    assert due.astimezone(UK) == _uk(2026, 12, 27, 18, 30)


def test_48_hours_served_on_christmas_day_start_at_boxing_day() -> None:
    due = periods.add_elapsed_hours(_uk(2026, 12, 25, 10, 0), 48, disregard_christmas=True)
    assert due.astimezone(UK) == _uk(2026, 12, 28, 0, 0)


def test_a_24_hour_notice_does_not_disregard_christmas() -> None:
    # s.77(3) disregards Christmas Day only "in calculating when the period of 48 hours ends".
    closure_notice = ladder().step("closure_notice")
    at = _uk(2026, 12, 24, 18, 30)
    by_code = {d.code: d for d in step_deadlines(closure_notice, at, issuer="police_inspector")}
    assert by_code["expires"].due_at.astimezone(UK) == _uk(2026, 12, 25, 18, 30)  # type: ignore[union-attr]
    assert by_code["hearing_by"].due_at.astimezone(UK) == _uk(2026, 12, 27, 18, 30)  # type: ignore[union-attr]
    by_code = {
        d.code: d for d in step_deadlines(closure_notice, at, issuer="police_superintendent")
    }
    assert by_code["expires"].due_at.astimezone(UK) == _uk(2026, 12, 27, 18, 30)  # type: ignore[union-attr]


def test_hours_counted_from_inside_christmas_day_are_exact() -> None:
    # Served a microsecond into Christmas Day 2022 (GMT): the clock waits until Boxing Day.
    start = datetime(2022, 12, 25, 0, 0, 0, 1, tzinfo=UTC)
    due = periods.add_elapsed_hours(start, 24, disregard_christmas=True)
    assert due == datetime(2022, 12, 27, tzinfo=UTC)
    assert periods.counted_hours(start, due, disregard_christmas=True) == 24


def test_48_hours_across_the_march_clock_change_are_elapsed_hours() -> None:
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026: 48 elapsed hours from 12:00 GMT
    # on Friday end at 13:00 BST on Sunday (wall clock), not 12:00.
    due = periods.add_elapsed_hours(_uk(2026, 3, 27, 12, 0), 48)
    assert due.astimezone(UK).replace(tzinfo=None) == datetime(2026, 3, 29, 13, 0)
    assert (due - _uk(2026, 3, 27, 12, 0).astimezone(UTC)) == timedelta(hours=48)


def test_48_hours_across_the_october_clock_change_are_elapsed_hours() -> None:
    # Clocks go back at 02:00 BST on Sunday 25 October 2026.
    due = periods.add_elapsed_hours(_uk(2026, 10, 24, 12, 0), 48)
    assert due.astimezone(UK).replace(tzinfo=None) == datetime(2026, 10, 26, 11, 0)


def test_a_bank_holiday_does_not_extend_the_hearing_deadline_but_is_flagged() -> None:
    # Served at 10:00 on Saturday 23 May 2026: due 10:00 on Monday 25 May, a bank holiday.
    closure_notice = ladder().step("closure_notice")
    deadlines = step_deadlines(closure_notice, _uk(2026, 5, 23, 10, 0), issuer="police_inspector")
    hearing = next(d for d in deadlines if d.code == "hearing_by")
    assert hearing.due_at.astimezone(UK) == _uk(2026, 5, 25, 10, 0)  # type: ignore[union-attr]
    assert "bank holiday" in hearing.note


def test_three_months_from_month_ends() -> None:
    assert periods.add_months_to_date(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert periods.add_months_to_date(date(2027, 11, 30), 3) == date(2028, 2, 29)  # leap year
    assert periods.add_months_to_date(date(2026, 1, 31), 3) == date(2026, 4, 30)
    assert periods.add_months_to_date(date(2026, 8, 31), 6) == date(2027, 2, 28)
    # Same UK wall-clock time across the March clock change.
    due = periods.add_calendar_months(_uk(2026, 1, 31, 10, 0), 3)
    assert due.astimezone(UK).replace(tzinfo=None) == datetime(2026, 4, 30, 10, 0)


def test_21_days_beginning_with_the_day_of_issue() -> None:
    # Issued at 23:30 UTC on 31 October 2026 (23:30 GMT, a Saturday): day 1 is 31 October.
    due = periods.days_beginning_with(datetime(2026, 10, 31, 23, 30, tzinfo=UTC), 21)
    assert due.astimezone(UK).date() == date(2026, 11, 20)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: day 1 is 1 July.
    due = periods.days_beginning_with(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), 21)
    assert due.astimezone(UK).date() == date(2026, 7, 21)


def test_working_days_skip_bank_holidays() -> None:
    # Ten working days from Thursday 2 April 2026 skip Good Friday and Easter Monday.
    due = periods.working_days_after(_uk(2026, 4, 2, 9, 0), 10)
    assert due.astimezone(UK).date() == date(2026, 4, 20)


@given(start=moments, hours=st.sampled_from([24, 48]))
# A microsecond into Christmas Day (found by this test: the hours were counted back in
# floating-point seconds as 23.999999999999996).
@example(start=datetime(2022, 12, 25, 0, 0, 0, 1, tzinfo=UTC), hours=24)
def test_hours_count_exactly_with_christmas_disregarded(start: datetime, hours: int) -> None:
    due = periods.add_elapsed_hours(start, hours, disregard_christmas=True)
    assert periods.counted_hours(start, due, disregard_christmas=True) == hours
    assert due - start >= timedelta(hours=hours)
    assert due - start <= timedelta(hours=hours + 25)  # at most one Christmas Day added
    # The end never falls strictly inside Christmas Day.
    local = due.astimezone(UK)
    assert not (local.month == 12 and local.day == 25 and local.time() != datetime.min.time())


@given(start=moments, hours=st.integers(min_value=1, max_value=24 * 20))
def test_without_christmas_hours_are_elapsed_time(start: datetime, hours: int) -> None:
    assert periods.add_elapsed_hours(start, hours) - start == timedelta(hours=hours)


@given(start=moments, days=st.integers(min_value=1, max_value=60))
def test_days_beginning_with_end_at_the_close_of_a_uk_day(start: datetime, days: int) -> None:
    due = periods.days_beginning_with(start, days)
    local = due.astimezone(UK)
    assert (local.hour, local.minute, local.second) == (23, 59, 59)
    assert (local.date() - start.astimezone(UK).date()).days == days - 1


@given(start=moments, months=st.integers(min_value=1, max_value=12))
def test_calendar_months_land_on_the_corresponding_or_last_day(
    start: datetime, months: int
) -> None:
    due = periods.add_calendar_months(start, months).astimezone(UK)
    first = start.astimezone(UK)
    months_apart = (due.year - first.year) * 12 + due.month - first.month
    assert months_apart == months
    last = calendar.monthrange(due.year, due.month)[1]
    assert due.day == min(first.day, last)


@given(start=moments)
def test_an_order_of_at_most_three_months_never_ends_later_than_six_month_total(
    start: datetime,
) -> None:
    three = periods.add_calendar_months(start, 3)
    six = periods.add_calendar_months(start, 6)
    assert start < three < six
    assert periods.add_calendar_months(three, 3) >= six - timedelta(days=3)


@given(start=moments)
def test_a_hearing_deadline_off_a_working_day_is_always_flagged(start: datetime) -> None:
    notice = ladder().step("closure_notice")
    hearing = next(
        d
        for d in step_deadlines(notice, start, issuer="police_inspector")
        if d.code == "hearing_by"
    )
    assert hearing.due_at is not None
    assert bool(hearing.note) == (not is_working_day(hearing.due_at.astimezone(UK).date()))
