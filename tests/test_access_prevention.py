"""The access truth table of the prevention list (decision 0090): its pages and its API.

The world: the outsider's agency (Elsewhere Housing Association, a housing agency with no
sharing agreement) sent signals that put one of its tenancies on this week's list. Only its
caseworkers and supervisors see the list and the entry, and only they send signals: no
agreement is needed for an agency's own data, and none lets anyone else in. Other
caseworkers (the hub, the police, the ended partner) are told nothing exists (404) on the
pages; the API tells a partner system why it is refused (403). Users without a casework
role meet the role gate (403).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from conftest import Personas
from nestguard.prevention.services.signals import housing_signals_import
from nestguard.prevention.services.weekly import prevention_list_build
from tests.factories import AddressFactory
from tests.frozen_clock import DEFAULT_INSTANT
from tests.test_access_truth_table import (
    PERSONAS,
    Row,
    World,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    expect,
    hidden_rows,
)

# The dates in these tests are days around the week of Monday 30 November 2026: they run at
# the default instant under every --clock-at (the UK-date edges are tests of their own, each
# at its instant).
pytestmark = pytest.mark.time_machine(DEFAULT_INSTANT)

UPRN = "550000000901"
# The owning housing agency's caseworker (the outsider persona) only; other caseworkers 404.
# The ended partner (youth justice) is no housing agency: it answers as the hub and police do.
PAGE = expect(404, 404, 404, 200, 403, 403, 403, ended_partner=404, lone_chair=403)
REFER = expect(404, 404, 404, 302, 403, 403, 403, ended_partner=404, lone_chair=403)
API_READ = expect(403, 403, 403, 200, 403, 403, 403, ended_partner=403)
API_SEND = expect(403, 403, 403, 201, 403, 403, 403, ended_partner=403)


@pytest.fixture
def world(personas: Personas) -> World:
    AddressFactory(uprn=UPRN, line1="12 Weaver Court", postcode="NB6 9WC")
    housing_signals_import(
        actor=None,
        agency=personas.outsider_agency,
        stream=io.StringIO(
            "uprn,signal,observed_on,amount,notes\n"
            f"{UPRN},key_or_fob_request,2026-11-20,,\n"
            f"{UPRN},key_or_fob_request,2026-11-27,,\n"
            f"{UPRN},visitor_complaint,2026-11-28,,\n"
        ),
    )
    prevention_list_build(actor=None, week_start=date(2026, 11, 30))
    from nestguard.prevention.models import PreventionEntry

    world = World(personas=personas, referral=None, pending=None, draft=None, case=None)  # type: ignore[arg-type]
    world.ids = {"entry": PreventionEntry.objects.get().pk}
    return world


def entry(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["entry"]}


def _signal(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    return {"uprn": UPRN, "signal": "asb_complaint", "observed_on": "2026-11-29"}


TABLE: list[Row] = [
    Row("prevention:list", PAGE),
    Row("prevention:detail", PAGE, entry),
    Row("prevention:refer", REFER, entry, method="POST"),
    Row("api:prevention_list", API_READ),
    Row("api:housing_signals", API_SEND, method="POST", body=_signal),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, world: World) -> None:
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id} ({row.path(world.ids)}): " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )


HIDDEN_ROWS = hidden_rows(TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("row", HIDDEN_ROWS, ids=[row.id for row in HIDDEN_ROWS])
def test_hidden_answers_as_missing(row: Row, world: World) -> None:
    assert_hidden_answers_as_missing(row, world)
