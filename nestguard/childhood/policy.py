"""The transition rules as data (`data/rules.json`) and the date arithmetic of ages in months.

A child reaches an age of so many months on the day of the month they were born on; where
that day does not exist in the month (born on the 29th to the 31st), on the 1st of the next
month, as a birthday on 29 February falls on 1 March in a common year (`Person.age_on`)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from nestguard.core.calendar import UK
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


@dataclass(frozen=True)
class TransitionDates:
    """The transition alert of a child named on a case (decision 0123): the day it opens, the
    day it falls due (their 18th birthday) and the day it lapses unanswered."""

    opens_on: date
    due_on: date
    lapses_on: date


def opened_on(opened_at: datetime) -> date:
    """The UK day a case opened: a case opened at 23:30 UTC in summer opened the next day."""
    return opened_at.astimezone(UK).date()


def transition_dates(born: date | None, opened: date) -> TransitionDates | None:
    """The alert's dates for a person born on `born` named on a case opened on the UK day
    `opened`; None when there is no alert: the date of birth is not known, or they were an
    adult when the case opened (an adult named on a case never turns 18 on it). The case link
    keeps them (`CaseSubject.transition_*`), so that the clock reads the open alerts alone."""
    if born is None:
        return None
    adult = adult_on(born)
    if adult <= opened:
        return None
    return TransitionDates(alert_opens_on(born), adult, alert_lapses_on(born))


def due_bounds(today: date, *, ahead_months: int = 0) -> tuple[date, date]:
    """Bounds on the due day (the 18th birthday) of the alerts open on `today` (or opening
    within `ahead_months`): (due after, due on or before), the range of the links' index the
    clock reads, which the exact tests on the stored days then narrow. The months counted on
    the calendar, with a week's slack each side for the days a month lacks."""
    adult, opens, until = (
        rule("adult_at_months"),
        rule("alert_from_months") - ahead_months,
        rule("alert_until_months"),
    )
    latest = calendar_add_months(today, adult - opens) + timedelta(days=7)
    earliest = calendar_add_months(today, adult - until) - timedelta(days=7)
    return earliest, latest


def opens_bound(today: date, *, ahead_months: int = 0) -> date:
    """The latest stored opening day of an alert open on `today` (or opening within
    `ahead_months`). Exact for today; ahead, a week's slack, and `alert_open` on the date of
    birth decides (an age in months ahead is not the stored day moved by months)."""
    if not ahead_months:
        return today
    return calendar_add_months(today, ahead_months) + timedelta(days=7)


def alert_open(born: date, today: date, *, ahead_months: int = 0) -> bool:
    """The alert is open on `today` (or opens within `ahead_months`) and has not lapsed."""
    opens = add_months(born, rule("alert_from_months") - ahead_months)
    return opens <= today < alert_lapses_on(born)
