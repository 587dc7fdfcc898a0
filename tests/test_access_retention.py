"""The access truth table of retention and disposal (issue 15): data protection officers
only. None of the shared personas holds that role, so every one of them meets the role gate
(403) on every page, whatever their agency or agreement; the officers' own answers (200,
and 404 for a batch or certificate that does not exist) are tested in
nestguard/retention/tests/test_pages.py."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Personas
from nestguard.retention.models import RetentionRule
from tests.frozen_clock import DEFAULT_INSTANT
from tests.test_access_truth_table import PERSONAS, Row, World, _request_and_undo, expect

pytestmark = pytest.mark.time_machine(DEFAULT_INSTANT)

REFUSED = expect(403, 403, 403, 403, 403, 403, 403, ended_partner=403, lone_chair=403)
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def world(personas: Personas) -> World:
    world = World(personas=personas, referral=None, pending=None, draft=None, case=None)  # type: ignore[arg-type]
    world.ids = {"rule": RetentionRule.objects.get(code="closed_case").pk}
    return world


def rule(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["rule"]}


def some(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": MISSING}


TABLE: list[Row] = [
    Row("retention:schedule", REFUSED),
    Row("retention:rule_edit", REFUSED, rule),
    Row("retention:rule_edit", REFUSED, rule, method="POST", label="save"),
    Row("retention:holds", REFUSED),
    Row("retention:holds", REFUSED, method="POST", label="place"),
    Row("retention:hold_lift", REFUSED, some),
    Row("retention:disposals", REFUSED),
    Row("retention:batch", REFUSED, some),
    Row("retention:batch", REFUSED, some, method="POST", label="approve"),
    Row("retention:certificate", REFUSED, some),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, world: World) -> None:
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id}: " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )
