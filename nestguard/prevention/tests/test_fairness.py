"""No protected characteristic feeds the prevention rules (issue 11, points 5 and 6).

Three proofs: the rule function is given signals only (its signature and the fields of what
it is given); the rules file is keyed by signal codes only; and changing everything known
about the people at an address (ages, names, who lives there) leaves the list unchanged.
"""

from __future__ import annotations

import inspect
import json
from datetime import date
from typing import get_type_hints

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nestguard.people.models import Person
from nestguard.places.models import PersonAddressLink
from nestguard.prevention.models import HousingSignal, PreventionEntry
from nestguard.prevention.policy import (
    RULES_FILE,
    Rules,
    SignalFact,
    prevention_rules,
    score,
    signal_codes,
)
from nestguard.prevention.services.weekly import prevention_list_build, week_scores
from tests.factories import PersonFactory
from tests.frozen_clock import DEFAULT_INSTANT

from .conftest import MONDAY, Housing, qualifying_lines

# The dates in these tests are days around the week of Monday 30 November 2026: they run at
# the default instant under every --clock-at (the UK-date edges are tests of their own, each
# at its instant).
pytestmark = pytest.mark.time_machine(DEFAULT_INSTANT)

PROTECTED = {
    "age", "date_of_birth", "dob", "sex", "gender", "gender_identity", "ethnicity",
    "disability", "religion", "belief", "sexual_orientation", "marital_status", "pregnancy",
    "race", "nationality", "person", "people", "occupant", "tenant", "name",
}  # fmt: skip


def test_the_rule_function_is_given_signals_a_week_and_the_rules_only() -> None:
    hints = get_type_hints(score)
    assert list(inspect.signature(score).parameters) == ["facts", "week_start", "rules"]
    assert "SignalFact" in str(hints["facts"])
    assert hints["week_start"] is date
    assert hints["rules"] is Rules
    assert SignalFact._fields == ("code", "observed_on", "amount")


def test_what_the_rules_read_of_a_signal_names_no_person_field() -> None:
    signal_fields = {f.name for f in HousingSignal._meta.get_fields()}
    assert not signal_fields & PROTECTED
    assert set(SignalFact._fields) <= signal_fields | {"code"}


def test_the_weekly_build_reads_the_signals_table_only(housing: Housing) -> None:
    """The query that feeds the rules touches one table, and names no person's column."""
    housing.send(qualifying_lines(housing.homes[0].uprn))
    with CaptureQueriesContext(connection) as queries:
        week_scores(MONDAY, prevention_rules())
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"].lower()
    assert 'from "prevention_housingsignal"' in sql and " join " not in sql
    selected = sql.split(" from ")[0].removeprefix("select ")
    columns = {c.split(" as ")[0].split(".")[-1].strip(' "') for c in selected.split(",")}
    assert columns == {"agency_id", "address_id", "signal", "observed_on", "amount"}


def test_the_rules_file_is_keyed_by_signal_codes_only() -> None:
    raw = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    assert set(raw["rules"]) <= set(signal_codes().values)
    allowed = {"weight", "window_days", "max_count", "min_amount", "source"}
    for rule in raw["rules"].values():
        assert set(rule) <= allowed
    assert set(raw) == {"name", "version", "source", "threshold", "retention_days", "rules"}


def _list() -> list[tuple[str, int, list[dict[str, object]]]]:
    return sorted(
        (str(e.address.uprn), e.score, e.contributions)
        for e in PreventionEntry.objects.filter(week_start=MONDAY).select_related("address")
    )


def test_changing_who_lives_there_leaves_the_list_unchanged(housing: Housing) -> None:
    home, other = housing.homes[0], housing.homes[1]
    housing.send([*qualifying_lines(home.uprn), f"{other.uprn},asb_complaint,2026-11-25,,"])
    tenant = PersonFactory(given_name="Ann", family_name="Tenant", date_of_birth=date(1950, 1, 1))
    PersonAddressLink.objects.create(
        person=tenant, address=home, role="tenant", from_date=date(2020, 1, 1)
    )
    prevention_list_build(actor=None, week_start=MONDAY)
    before = _list()
    assert [uprn for uprn, _, _ in before] == [home.uprn]

    # A young tenant instead, a second occupant at each address, a renamed person: the
    # same signals give the same list.
    Person.objects.filter(pk=tenant.pk).update(date_of_birth=date(2007, 6, 1), given_name="Bo")
    for address in (home, other):
        PersonAddressLink.objects.create(
            person=PersonFactory(date_of_birth=date(1990, 3, 3)),
            address=address,
            role="resident",
            from_date=date(2025, 1, 1),
        )
    PreventionEntry.objects.all().delete()
    prevention_list_build(actor=None, week_start=MONDAY)
    assert _list() == before
