"""The subject access clock: one calendar month, extendable by two further months.

UK GDPR Art. 12(3) and the ICO's guidance on calculating the month
(https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/individual-rights/right-of-access/what-should-we-consider-when-responding-to-a-request/,
[P] in governance-and-reporting.md section 3): the clock starts on the day of receipt (or
when identity is confirmed or the request clarified) and ends on the corresponding calendar
day of the next month; when that month has no such day, on its last day; when the day falls
on a weekend or a bank holiday, on the next working day. The last two rules are the ICO's
worked examples, not restated in the reference file ([U] there): check the page above.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from nestguard.core.calendar import is_working_day

MONTHS_TO_ANSWER = 1
MONTHS_OF_EXTENSION = 2


def add_calendar_months(start: date, months: int) -> date:
    """The corresponding day `months` later, or that month's last day when it has none."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def sar_due_on(received_on: date) -> date:
    return next_working_day(add_calendar_months(received_on, MONTHS_TO_ANSWER))


def sar_extended_due_on(received_on: date) -> date:
    """Two further months: three calendar months from receipt."""
    return next_working_day(
        add_calendar_months(received_on, MONTHS_TO_ANSWER + MONTHS_OF_EXTENSION)
    )
