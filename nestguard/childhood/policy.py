"""The transition rules as data (`data/rules.json`) and the date arithmetic of ages in months.

A child reaches an age of so many months on the day of the month they were born on; where
that day does not exist in the month (born on the 29th to the 31st), on the 1st of the next
month, as a birthday on 29 February falls on 1 March in a common year (`Person.age_on`)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from nestguard.core.calendar import add_months as calendar_add_months
from nestguard.core.codes import code_list


def rule(code: str) -> Any:
    return code_list("childhood", "rules").get(code)["value"]


def adult_service_types() -> list[str]:
    return list(rule("adult_service_types"))


def add_months(born: date, months: int) -> date:
    """The day someone born on `born` is `months` months old."""
    years, month_index = divmod(born.month - 1 + months, 12)
    year, month = born.year + years, month_index + 1
    last = calendar.monthrange(year, month)[1]
    if born.day <= last:
        return date(year, month, born.day)
    return date(year, month, last) + timedelta(days=1)


def alert_opens_on(born: date) -> date:
    """17 years and 6 months by default."""
    return add_months(born, rule("alert_from_months"))


def adult_on(born: date) -> date:
    return add_months(born, rule("adult_at_months"))


def alert_lapses_on(born: date) -> date:
    return add_months(born, rule("alert_until_months"))


def born_bounds(today: date, *, ahead_months: int = 0) -> tuple[date, date]:
    """Bounds on the dates of birth whose alert is open on `today` (or opens within
    `ahead_months`): (born after, born on or before), for a database filter that the exact
    test (`alert_open`) then narrows. The months counted back on the calendar, with a week's
    slack each side for the days a month lacks. (Counted as 28 to 31 days a month, the
    window was some two years wider, a fifth more people to read: decision 0121.)"""
    opens = rule("alert_from_months") - ahead_months
    until = rule("alert_until_months")
    latest = calendar_add_months(today, -opens) + timedelta(days=7)
    earliest = calendar_add_months(today, -until) - timedelta(days=7)
    return earliest, latest


def alert_open(born: date, today: date, *, ahead_months: int = 0) -> bool:
    """The alert is open on `today` (or opens within `ahead_months`) and has not lapsed."""
    opens = add_months(born, rule("alert_from_months") - ahead_months)
    return opens <= today < alert_lapses_on(born)
