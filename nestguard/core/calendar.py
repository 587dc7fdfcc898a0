"""Working days in England and Wales: weekends and bank holidays (rule as data) are skipped.

Deadlines are computed in UK local time (Europe/London) so that a clock change never moves
a due date by a day.
"""

from __future__ import annotations

import calendar as _calendar
import json
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
_HOLIDAYS_FILE = Path(__file__).parent / "data" / "bank_holidays_england_wales.json"


@cache
def bank_holidays() -> frozenset[date]:
    raw = json.loads(_HOLIDAYS_FILE.read_text(encoding="utf-8"))
    return frozenset(date.fromisoformat(entry["date"]) for entry in raw["dates"])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def add_working_days(start: date, days: int) -> date:
    """The working day `days` working days after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if end is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(n)))


def end_of_working_day_deadline(moment: datetime, working_days: int) -> datetime:
    """The close of the UK day that falls `working_days` working days after `moment`."""
    local_day = moment.astimezone(UK).date()
    due_day = add_working_days(local_day, working_days)
    return datetime.combine(due_day, time(23, 59, 59), tzinfo=UK)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31 January + 1 = 28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))
