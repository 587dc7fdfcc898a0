"""Statutory periods as arithmetic, in UK local time (Europe/London).

- An hours period is ELAPSED time: 48 hours across the October clock change ends at 23:00
  local time on the second day, not midnight. Where the statute disregards Christmas Day,
  every hour of 25 December (UK local) inside the period is added back.
- "N days beginning with the day of X" counts X's own (UK) day: it ends at the close of the
  UK day N-1 days after it.
- Calendar months end on the corresponding date (the last day of the month where there is
  none: 3 months from 30 November is 28 or 29 February; from 31 January, 30 April), at the
  same UK wall-clock time.
- Working days skip weekends and bank holidays (`nestguard.core.calendar`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from nestguard.core.calendar import UK, add_months, end_of_working_day_deadline, is_working_day

END_OF_DAY = time(23, 59, 59)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a statutory period needs an aware datetime")
    return moment


def christmas_day(year: int) -> tuple[datetime, datetime]:
    """25 December in UK local time, as an instant range [start, end) in UTC.

    (Arithmetic and comparison are done in UTC: Python adds a timedelta to a datetime in
    its own zone by wall clock, which would be an hour out across a clock change.)"""
    start = datetime(year, 12, 25, tzinfo=UK).astimezone(UTC)
    end = datetime(year, 12, 26, tzinfo=UK).astimezone(UTC)
    return start, end


def add_elapsed_hours(
    start: datetime, hours: int, *, disregard_christmas: bool = False
) -> datetime:
    """`hours` of elapsed time after `start`; with `disregard_christmas`, time falling on
    Christmas Day (UK) does not count."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    cursor = _aware(start).astimezone(UTC)
    if not disregard_christmas:
        return cursor + remaining
    while True:
        local_year = cursor.astimezone(UK).year
        xmas_start, xmas_end = christmas_day(local_year)
        if cursor >= xmas_end:  # after this year's Christmas: next year's
            xmas_start, xmas_end = christmas_day(local_year + 1)
        if cursor >= xmas_start:  # inside Christmas Day: the clock waits until it ends
            cursor = xmas_end
            continue
        if cursor + remaining <= xmas_start:
            return cursor + remaining
        remaining -= xmas_start - cursor
        cursor = xmas_end


def counted_hours(start: datetime, end: datetime, *, disregard_christmas: bool = False) -> float:
    """Hours between two instants that count (the inverse of add_elapsed_hours).

    Worked out in exact time (timedelta, whole microseconds) and turned into hours only at the
    end: in floating-point seconds, 48 hours less the part of Christmas Day after a start a
    microsecond into it came to 23.999999999999996 hours, not 24."""
    start, end = _aware(start).astimezone(UTC), _aware(end).astimezone(UTC)
    total = end - start
    if disregard_christmas:
        for year in range(start.astimezone(UK).year, end.astimezone(UK).year + 1):
            xs, xe = christmas_day(year)
            overlap = min(end, xe) - max(start, xs)
            if overlap > timedelta(0):
                total -= overlap
    return total / timedelta(hours=1)


def end_of_uk_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=UK)


def days_beginning_with(start: datetime, days: int) -> datetime:
    """The end of a period of `days` days beginning with the (UK) day of `start`."""
    if days < 1:
        raise ValueError("days must be at least 1")
    first = _aware(start).astimezone(UK).date()
    return end_of_uk_day(first + timedelta(days=days - 1))


def add_calendar_days(start: datetime, days: int) -> datetime:
    """The same UK wall-clock time `days` days later."""
    local = _aware(start).astimezone(UK)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=UK)


add_months_to_date = add_months


def add_calendar_months(start: datetime, months: int) -> datetime:
    """The corresponding date `months` calendar months later, same UK wall-clock time."""
    local = _aware(start).astimezone(UK)
    return datetime.combine(add_months_to_date(local.date(), months), local.time(), tzinfo=UK)


def working_days_after(start: datetime, days: int) -> datetime:
    return end_of_working_day_deadline(_aware(start), days)


def non_working_day_note(moment: datetime) -> str:
    """Words for a deadline that falls on a weekend or bank holiday, when courts may not sit."""
    day = moment.astimezone(UK).date()
    if is_working_day(day):
        return ""
    kind = "a weekend" if day.weekday() >= 5 else "a bank holiday"
    return f"Falls on {kind}: the period is not extended, so arrange a court sitting in time"
