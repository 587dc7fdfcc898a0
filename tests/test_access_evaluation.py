"""The access truth table's rows for the project costs page (decision 0092), in the table's
seven persona columns: supervisors read it; no persona of the table is a partnership manager,
so none may add a cost. The page's own test (nestguard/reporting/tests/test_project_costs.py)
adds the analyst and the partnership manager columns."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from conftest import Personas
from tests.test_access_truth_table import PERSONAS, Row, _request_and_undo, expect

READERS = expect(403, 200, 403, 403, 403, 403, 403)  # supervisors (and analysts, managers)
NOBODY = expect(403, 403, 403, 403, 403, 403, 403)

TABLE: list[Row] = [
    Row("reporting:project_costs", READERS),
    Row(
        "reporting:project_costs",
        NOBODY,
        method="POST",
        body=lambda ids, user: {
            "project": "Cuckooing and exploitation project",
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2025",
            "ends_on_day": "31",
            "ends_on_month": "3",
            "ends_on_year": "2026",
            "amount": "18470.00",
        },
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, personas: Personas) -> None:
    world = SimpleNamespace(personas=personas, ids={})
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}  # type: ignore[arg-type]
    assert got == row.expected
