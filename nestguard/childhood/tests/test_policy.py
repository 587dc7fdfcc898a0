"""Ages in months (decision 0110): the day someone is 17 years and 6 months old, and 18, agree
with `Person.age_on` (a birthday on 29 February falls on 1 March in a common year), for every
date of birth; pure arithmetic, with no clock."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from nestguard.childhood import policy
from nestguard.people.models import Person

BIRTHS = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@given(BIRTHS)
def test_eighteen_is_the_day_age_on_says_so(born: date) -> None:
    person = Person(date_of_birth=born)
    adult = policy.adult_on(born)
    assert person.age_on(adult) == 18
    assert person.age_on(adult - timedelta(days=1)) == 17


@given(BIRTHS)
def test_the_alert_opens_six_months_before_eighteen(born: date) -> None:
    opens = policy.alert_opens_on(born)
    person = Person(date_of_birth=born)
    assert person.age_on(opens) == 17
    assert 181 <= (policy.adult_on(born) - opens).days <= 185
    # The day before it opens, it is not open; on the day, it is.
    assert not policy.alert_open(born, opens - timedelta(days=1))
    assert policy.alert_open(born, opens)


@given(BIRTHS, st.integers(min_value=-12, max_value=12))
def test_the_database_bounds_hold_every_open_alert(born: date, ahead: int) -> None:
    """The clock reads the links due within `due_bounds` that opened by `opens_bound`
    (decision 0123): every alert open on a day is among them, on its first and last days."""
    for today in (
        policy.add_months(born, 210 - ahead),
        policy.alert_lapses_on(born) - timedelta(1),
    ):
        if policy.alert_open(born, today, ahead_months=ahead):
            earliest, latest = policy.due_bounds(today, ahead_months=ahead)
            assert earliest < policy.adult_on(born) <= latest
            assert policy.alert_opens_on(born) <= policy.opens_bound(today, ahead_months=ahead)
            assert today < policy.alert_lapses_on(born)


@given(BIRTHS)
def test_the_stored_days_are_the_rules_days(born: date) -> None:
    """A child when the case opened: the alert's three days; an adult (by the UK day the case
    opened) or no date of birth: none."""
    adult = policy.adult_on(born)
    dates = policy.transition_dates(born, adult - timedelta(days=1))
    lapses = policy.alert_lapses_on(born)
    assert dates == policy.TransitionDates(policy.alert_opens_on(born), adult, lapses)
    assert policy.transition_dates(born, adult) is None
    assert policy.transition_dates(None, adult) is None


def test_the_day_a_case_opened_is_the_uk_day() -> None:
    from datetime import UTC, datetime

    assert policy.opened_on(datetime(2026, 7, 14, 23, 30, tzinfo=UTC)) == date(2026, 7, 15)
    assert policy.opened_on(datetime(2026, 1, 14, 23, 30, tzinfo=UTC)) == date(2026, 1, 14)
    # The clocks go forward at 01:00 UTC on 29 March 2026.
    assert policy.opened_on(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) == date(2026, 3, 29)
    assert policy.opened_on(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == date(2026, 3, 28)


def test_a_day_missing_from_the_month_falls_on_the_first_of_the_next() -> None:
    leap_born = date(2008, 2, 29)
    assert policy.adult_on(leap_born) == date(2026, 3, 1)
    # 17 years and 6 months after 31 August: 31 February does not exist.
    assert policy.alert_opens_on(date(2008, 8, 31)) == date(2026, 3, 1)
    assert policy.alert_opens_on(date(2006, 8, 29)) == date(2024, 2, 29)
    assert policy.alert_opens_on(date(2008, 2, 29)) == date(2025, 8, 29)
