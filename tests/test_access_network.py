"""The access truth table of the network (decisions 0098, 0099): its pages. The world
(nestguard/network/tests/world.py): the hub's case from a school's referral, the police on
its team; the police tied a phone to the case's victim by hand and marked a number as the
deal line of "Dolly". The network is for caseworkers, supervisors and intelligence officers
(the role gate, 403, for the rest); a person, a phone or a line answers 404 to a viewer who
sees no record that reveals it (the outsider, and the ended partner whose agreement ended).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from nestguard.network.tests.world import build_world
from tests.test_access_truth_table import (
    PERSONAS,
    Row,
    World,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    expect,
    hidden_rows,
)

ROLE_GATE = expect(200, 200, 200, 200, 403, 403, 403, ended_partner=200)
SEEN = expect(200, 200, 200, 404, 403, 403, 403)
ADD = expect(302, 302, 302, 404, 403, 403, 403)


@pytest.fixture
def world(personas: Personas) -> World:
    net = build_world(personas)
    world = World(personas=personas, referral=None, pending=None, draft=None, case=net.case)  # type: ignore[arg-type]
    world.ids = {
        "person": net.person.pk,
        "address": net.address.pk,
        "phone": net.phone.pk,
        "line": net.line.pk,
    }
    return world


def entity(kind: str) -> Any:
    return lambda ids: {"kind": kind, "pk": ids[kind]}


def _link(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "vrm": "AB12 CDE", "role": "drives", "grade": "2B", "note": "ANPR read",
        "on_day": today.day, "on_month": today.month, "on_year": today.year,
    }  # fmt: skip


TABLE: list[Row] = [
    Row("network:home", ROLE_GATE),
    Row("network:victims", ROLE_GATE),
    Row("network:line", SEEN, lambda ids: {"pk": ids["line"]}),
    Row("network:entity", SEEN, entity("person"), label="person"),
    Row("network:entity", SEEN, entity("address"), label="address"),
    Row("network:entity", SEEN, entity("phone"), label="phone"),
    Row("network:entity", SEEN, entity("line"), label="line"),
    Row("network:link_add", SEEN, entity("person")),
    Row("network:link_add", ADD, entity("person"), method="POST", body=_link),
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
