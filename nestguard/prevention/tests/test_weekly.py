"""The weekly build: entries with their reasons, per agency, idempotent; the job; retention."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from nestguard.audit.models import AuditEvent
from nestguard.jobs.progress import JobProgress
from nestguard.prevention.jobs import weekly_list
from nestguard.prevention.models import HousingSignal, PreventionAction, PreventionEntry
from nestguard.prevention.services.actions import prevention_action_record
from nestguard.prevention.services.weekly import prevention_list_build, prevention_purge
from tests.frozen_clock import DEFAULT_INSTANT

from .conftest import MONDAY, Housing, qualifying_lines

# The dates in these tests are days around the week of Monday 30 November 2026: they run at
# the default instant under every --clock-at (the UK-date edges are tests of their own, each
# at its instant).
pytestmark = pytest.mark.time_machine(DEFAULT_INSTANT)


def test_an_entry_holds_the_signals_that_put_it_there(housing: Housing) -> None:
    home = housing.homes[0]
    housing.send([*qualifying_lines(home.uprn), f"{home.uprn},asb_complaint,2026-11-30,,"])
    entry = housing.listed()
    assert (entry.address, entry.agency, entry.score) == (home, housing.council, 6)
    assert entry.contributions == [
        {"signal": "visitor_complaint", "observed_on": "2026-11-28", "weight": 2},
        {"signal": "key_or_fob_request", "observed_on": "2026-11-27", "weight": 2},
        {"signal": "key_or_fob_request", "observed_on": "2026-11-20", "weight": 2},
    ]  # the complaint of Monday 30 November is next week's
    assert entry.rules_version == "2026-12-04"


def test_building_a_week_again_changes_nothing(housing: Housing) -> None:
    housing.send(qualifying_lines(housing.homes[0].uprn))
    first = prevention_list_build(actor=None, week_start=MONDAY)
    again = prevention_list_build(actor=None, week_start=MONDAY + timedelta(days=3))
    assert (first.created, again.created, again.unchanged, again.week_start) == (1, 0, 1, MONDAY)
    assert PreventionEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="prevention.build").count() == 2


def test_an_entry_acted_on_is_kept_and_one_nobody_touched_follows_the_signals(
    housing: Housing,
) -> None:
    acted_home, quiet_home = housing.homes[0], housing.homes[1]
    housing.send(qualifying_lines(acted_home.uprn) + qualifying_lines(quiet_home.uprn))
    prevention_list_build(actor=None, week_start=MONDAY)
    acted = PreventionEntry.objects.get(address=acted_home)
    prevention_action_record(
        actor=housing.caseworker, entry=acted, kind="visited", note="Spoke to the tenant"
    )
    HousingSignal.objects.filter(signal="visitor_complaint").delete()  # say, sent in error
    result = prevention_list_build(actor=None, week_start=MONDAY)
    assert (result.kept, result.removed) == (1, 1)
    assert list(PreventionEntry.objects.values_list("address", "score")) == [(acted_home.pk, 6)]
    assert PreventionAction.objects.count() == 1


def test_each_agency_s_signals_are_scored_alone(housing: Housing) -> None:
    """Four points from each of two agencies at one address put it on neither list: the
    rules never combine what two agencies know."""
    uprn = housing.homes[0].uprn
    lines = [f"{uprn},key_or_fob_request,2026-11-20,,", f"{uprn},visitor_complaint,2026-11-28,,"]
    housing.send(lines)
    housing.send(lines, agency=housing.brookside)
    prevention_list_build(actor=None, week_start=MONDAY)
    assert not PreventionEntry.objects.exists()
    housing.send([f"{uprn},asb_complaint,2026-11-21,,"], agency=housing.brookside)
    prevention_list_build(actor=None, week_start=MONDAY)
    assert list(PreventionEntry.objects.values_list("agency", flat=True)) == [housing.brookside.pk]


def test_the_command_builds_this_week(housing: Housing) -> None:
    housing.send(qualifying_lines(housing.homes[0].uprn))
    out = io.StringIO()
    call_command("build_prevention_list", stdout=out)
    assert "week of 30 November 2026: 1 entries (1 new" in out.getvalue()


@pytest.mark.time_machine("2026-11-30T06:15:00+00:00")
def test_the_job_builds_on_its_weekday_only(housing: Housing) -> None:
    housing.send(qualifying_lines(housing.homes[0].uprn))
    assert weekly_list(JobProgress(), weekday="Tuesday").startswith("Not run")
    assert not PreventionEntry.objects.exists()
    assert "1 new" in weekly_list(JobProgress(), weekday="Monday")
    assert PreventionEntry.objects.get().week_start == MONDAY


def test_signals_and_entries_past_retention_are_deleted(housing: Housing) -> None:
    housing.send(qualifying_lines(housing.homes[0].uprn))
    prevention_list_build(actor=None, week_start=MONDAY)
    later = MONDAY + timedelta(days=365 + 14)
    assert prevention_purge(actor=None, today=later) == (3, 1)
    assert not HousingSignal.objects.exists() and not PreventionEntry.objects.exists()
    assert AuditEvent.objects.filter(action="prevention.purge").count() == 1


@pytest.mark.time_machine("2026-07-26T23:30:00+00:00")
def test_this_week_is_the_uk_week(housing: Housing) -> None:
    """Monday 27 July 2026, 00:30 in the UK (BST; still Sunday in UTC): this week's list is
    the week of Monday 27 July, counting the signals of Sunday 26 July."""
    uprn = housing.homes[0].uprn
    housing.send(
        [
            f"{uprn},key_or_fob_request,2026-07-20,,",
            f"{uprn},key_or_fob_request,2026-07-26,,",
            f"{uprn},visitor_complaint,2026-07-26,,",
        ]
    )
    result = prevention_list_build(actor=None)
    assert (str(result.week_start), result.created) == ("2026-07-27", 1)
