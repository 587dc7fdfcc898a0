"""The repeat_missing agenda source: the rule at its edges."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.cases.models import Case
from nestguard.core.agenda import AgendaScope, agenda_source, candidates_for
from nestguard.core.calendar import UK
from nestguard.pathways.models import MissingEpisode
from nestguard.pathways.policy import RepeatRule
from nestguard.pathways.services.missing import missing_episode_record, missing_episode_return
from nestguard.people.models import Person

pytestmark = pytest.mark.django_db


def as_of() -> date:
    """The agenda's date: the UK day before the test's (frozen) instant, so that an episode at
    21:00 on it is in the past whatever the hour now. (A fixed date here failed at every
    instant before it: the services refuse episodes in the future.)"""
    return timezone.localdate() - timedelta(days=1)


# These tests are of the rule, so the source may draw on every case and person (a panel's
# own scope is tested in panels/tests/test_agenda_scope.py).
EVERYONE = AgendaScope(case_ids=Case.objects.values("pk"), person_ids=Person.objects.values("pk"))


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UK)


def episodes_on(pw, days: list[date], person=None) -> None:
    person = person or pw.child
    for day in sorted(days):
        episode = missing_episode_record(
            actor=pw.personas.owner, person=person, case=pw.case, report_type="missing",
            risk_grade="low", category="missing_from_home", care_status="not_looked_after",
            started_at=at(day, 9),
        )  # fmt: skip
        missing_episode_return(
            actor=pw.personas.owner, episode=episode, returned_at=at(day, 21), found_by="police"
        )


def test_the_default_rule_is_three_in_ninety_days_children_only() -> None:
    assert RepeatRule.default() == RepeatRule(episodes=3, window_days=90, children_only=True)
    assert agenda_source("repeat_missing").label == "Children with repeat missing episodes"


def test_three_in_the_window_are_proposed_once_with_reason(pw) -> None:
    episodes_on(pw, [as_of() - timedelta(days=89), as_of() - timedelta(days=30), as_of()])
    found = candidates_for("repeat_missing", as_of=as_of(), params={}, scope=EVERYONE)
    assert len(found) == 1
    (candidate,) = found
    assert candidate.person_id == pw.child.pk and candidate.case_id == pw.case.pk
    assert candidate.key == f"person:{pw.child.pk}"
    assert "3 missing episodes" in candidate.reason


def test_only_people_in_the_panels_scope_are_proposed_and_only_cases_in_it_named(pw) -> None:
    episodes_on(pw, [as_of() - timedelta(days=n) for n in (1, 2, 3)])
    nobody = AgendaScope(case_ids=Case.objects.none().values("pk"), person_ids=[])
    assert candidates_for("repeat_missing", as_of=as_of(), params={}, scope=nobody) == []
    person_only = AgendaScope(case_ids=Case.objects.none().values("pk"), person_ids=[pw.child.pk])
    (candidate,) = candidates_for("repeat_missing", as_of=as_of(), params={}, scope=person_only)
    assert candidate.person_id == pw.child.pk and candidate.case_id is None


def test_the_ninety_first_day_back_is_outside(pw) -> None:
    episodes_on(pw, [as_of() - timedelta(days=90), as_of() - timedelta(days=30), as_of()])
    assert candidates_for("repeat_missing", as_of=as_of(), params={}, scope=EVERYONE) == []
    # ...and a later episode after the agenda date does not count either
    assert (
        candidates_for(
            "repeat_missing", as_of=as_of() - timedelta(days=1), params={}, scope=EVERYONE
        )
        == []
    )


def test_adults_are_not_counted_unless_the_rule_says(pw) -> None:
    days = [as_of() - timedelta(days=n) for n in (1, 2, 3)]
    episodes_on(pw, days, person=pw.adult)
    assert candidates_for("repeat_missing", as_of=as_of(), params={}, scope=EVERYONE) == []
    found = candidates_for(
        "repeat_missing", as_of=as_of(), params={"children_only": False}, scope=EVERYONE
    )
    assert [c.person_id for c in found] == [pw.adult.pk]


def test_unknown_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        candidates_for("repeat_missing", as_of=as_of(), params={"episode": 2}, scope=EVERYONE)
    with pytest.raises(ValueError):
        candidates_for("repeat_missing", as_of=as_of(), params={"episodes": 0}, scope=EVERYONE)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=200), min_size=0, max_size=6, unique=True),
    threshold=st.integers(min_value=1, max_value=5),
    window=st.integers(min_value=1, max_value=180),
)
def test_proposed_exactly_when_enough_episodes_fall_in_the_window(pw, offsets, threshold, window):
    MissingEpisode.objects.all().delete()
    episodes_on(pw, [as_of() - timedelta(days=n) for n in offsets])
    inside = sum(1 for n in offsets if n < window)
    found = candidates_for(
        "repeat_missing",
        as_of=as_of(),
        params={"episodes": threshold, "window_days": window},
        scope=EVERYONE,
    )
    assert bool(found) == (inside >= threshold)
    if found:
        assert f"{inside} missing episodes" in found[0].reason
