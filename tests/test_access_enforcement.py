"""The enforcement pages and API in the access truth table (docs/decisions/0020).

The world (nestguard/enforcement/tests/world.py), made through the services: a register
address with a case led by the hub (the police on its team), a CPW by the hub and a closure
notice by the police there. Enforcement officers (caseworkers and supervisors of the hub,
the police and the outsider's housing association) may open the enforcement record of any
register address, and see there only the steps of their agency and its partners; the
outsider, with no sharing agreement, sees an empty record and cannot name the case's person.
An address outside the register with nothing visible there answers 404 to everyone.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from nestguard.enforcement.tests.world import EnforcementWorld, build_world
from nestguard.places.services import address_resolve
from tests.test_access_truth_table import (
    CASEWORKERS,
    Row,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    expect,
    hidden_rows,
)

ISSUER_BY_AGENCY_TYPE = {
    "community_safety": "local_authority_officer",
    "police": "police_inspector",
    "housing_association": "housing_provider_senior_manager",
}
# The hub, the police and the outsider's housing association all hold enforcement powers;
# the youth justice service (the ended partner's) holds none and sees no case there: 404.
OFFICERS = expect(200, 200, 200, 200, 403, 403, 403, ended_partner=404)
NOWHERE = expect(404, 404, 404, 404, 403, 403, 403)


def _address(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["address"]}


def _notice_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    """A closure notice served now, with the rank the persona's agency holds (the outsider's
    housing association holds none for a 2014 Act notice: refused, and nothing written)."""
    now = timezone.localtime()
    return {
        "taken_at_date_day": str(now.day),
        "taken_at_date_month": str(now.month),
        "taken_at_date_year": str(now.year),
        "taken_at_time": f"{now:%H:%M}",
        "issuer": ISSUER_BY_AGENCY_TYPE.get(user.agency.type, "local_authority_officer"),
        "notes": "Served on the door",
    }


def _api_notice_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    return {
        "step": "closure_notice",
        "issuer": ISSUER_BY_AGENCY_TYPE.get(user.agency.type, "local_authority_officer"),
    }


TABLE: list[Row] = [
    Row("enforcement:deadlines", CASEWORKERS),
    Row("enforcement:address", OFFICERS, _address),
    Row("enforcement:address", NOWHERE, lambda ids: {"pk": ids["elsewhere"]}, label="(elsewhere)"),
    Row("enforcement:chronology", OFFICERS, _address),
    Row("enforcement:step", OFFICERS, lambda ids: {"pk": ids["address"], "step": "cpn"}),
    Row(
        "enforcement:step",
        # recorded and sent back to the record; the outsider's agency holds no closure rank
        expect(302, 302, 302, 200, 403, 403, 403, ended_partner=404),
        lambda ids: {"pk": ids["address"], "step": "closure_notice"},
        method="POST",
        body=_notice_body,
    ),
    Row("api:enforcement_list", OFFICERS, query="?address=770000000101"),
    Row(
        "api:enforcement_list",
        NOWHERE,
        query="?address=770000009999",
        label="(no such UPRN)",
    ),
    Row(
        "api:enforcement_record",
        expect(201, 201, 201, 400, 403, 403, 403, ended_partner=404),
        lambda ids: {"uprn": ids["uprn"]},
        method="POST",
        body=_api_notice_body,
    ),
]


@pytest.fixture
def enforcement_world(personas) -> EnforcementWorld:  # type: ignore[no-untyped-def]
    world = build_world(personas)
    elsewhere = address_resolve(
        actor=personas.owner, line1="3 Nowhere Lane", town="Northbrook", postcode="NB9 9ZZ"
    )
    world.ids["elsewhere"] = elsewhere.pk
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, enforcement_world: EnforcementWorld) -> None:
    got = {
        persona: _request_and_undo(row, enforcement_world, persona)  # type: ignore[arg-type]
        for persona in row.expected
    }
    wrong = {p: (row.expected[p], got[p]) for p in row.expected if got[p] != row.expected[p]}
    assert not wrong, f"{row.id} ({row.path(enforcement_world.ids)}): " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )


HIDDEN_ROWS = hidden_rows(TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("row", HIDDEN_ROWS, ids=[row.id for row in HIDDEN_ROWS])
def test_hidden_answers_as_missing(row: Row, enforcement_world: EnforcementWorld) -> None:
    assert_hidden_answers_as_missing(row, enforcement_world)
