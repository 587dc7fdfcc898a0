"""The access truth table of the reports (decision 0089): the index, a report's page, its
printable page, CSV, ODS and API, for every persona. Of the personas only the supervisor holds
a reporting role; the reporting tests (nestguard/reporting/tests/test_outputs.py) add the
analyst and the partnership manager, and what each output shows. An unknown report is 404 for
those who may report and 403 for the rest, as the roles are checked first."""

from __future__ import annotations

import pytest

from conftest import Personas
from tests.test_access_truth_table import PERSONAS, Row, World, _request_and_undo, expect

REPORTERS = expect(403, 200, 403, 403, 403, 403, 403)  # supervisors (and analysts, managers)
UNKNOWN = expect(403, 404, 403, 403, 403, 403, 403)
PERIOD = "?from=2026-01-01&to=2026-03-31"


def partnership(ids: dict[str, object]) -> dict[str, object]:
    return {"name": "partnership"}


def no_such_report(ids: dict[str, object]) -> dict[str, object]:
    return {"name": "no_such_report"}


@pytest.fixture
def world(personas: Personas) -> World:
    return World(personas=personas, referral=None, pending=None, draft=None, case=None)  # type: ignore[arg-type]


TABLE: list[Row] = [
    Row("reporting:index", REPORTERS),
    *(
        Row(name, REPORTERS, partnership, query=PERIOD)
        for name in ("reporting:report", "reporting:print", "reporting:csv", "reporting:ods")
    ),
    Row("reporting:report", UNKNOWN, no_such_report, label="(no such report)"),
    Row("api:report", REPORTERS, partnership, query=PERIOD),
    Row("api:report", UNKNOWN, no_such_report, query=PERIOD, label="(no such report)"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, world: World) -> None:
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id} ({row.path(world.ids)}): " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )
