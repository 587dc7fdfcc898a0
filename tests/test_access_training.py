"""The training register in the access truth table (decision 0104): each agency's
supervisors and administrators keep their own staff's records (the hub's supervisor and
administrator here); everyone reads their own record."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from conftest import Personas
from tests.test_access_truth_table import EVERYONE, PERSONAS, Row, _request_and_undo, expect

KEEPERS = expect(403, 200, 403, 403, 403, 403, 200)

TABLE: list[Row] = [
    Row("training:agency", KEEPERS),
    Row("training:record", KEEPERS),
    Row(
        "training:record",
        expect(403, 200, 403, 403, 403, 403, 200),
        method="POST",
        label="(empty: the form again)",
        body=lambda ids, user: {},
    ),
    Row("training:import", KEEPERS),
    Row("training:mine", EVERYONE),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, personas: Personas) -> None:
    world = SimpleNamespace(personas=personas, ids={})
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}  # type: ignore[arg-type]
    assert got == row.expected
