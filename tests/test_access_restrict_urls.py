"""The access truth table of the handling-restriction pages and endpoints (decision 78; see
tests/test_access_truth_table.py). What each restriction lets each persona read is in
tests/test_access_restrictions.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from nestguard.accounts.services import api_token_create
from nestguard.cases.services.work import case_note_add
from tests.test_access_places import (  # noqa: F401  (fixtures of the places world)
    AT_ADDRESS,
    places_world,
    register,
)
from tests.test_access_truth_table import (  # noqa: F401  (world: the main table's fixture)
    CASE_READ,
    PERSONAS,
    Row,
    World,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    expect,
    hidden_rows,
    world,
)

# On the places world: the hub's case with the police on its team, a marker the owner placed
# at its address, and a note the owner added (both open to the case team).


@pytest.fixture
def restrict_world(places_world: World) -> World:  # noqa: F811
    entry = case_note_add(
        actor=places_world.personas.owner, case=places_world.case, text="Open note"
    )
    places_world.ids["entry"] = entry.pk
    return places_world


def _entry(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["case"], "entry_pk": ids["entry"]}


def _marker(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["marker"]}


def _restriction(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    return {"restriction": "police_only"}


# The recording agency (the hub) changes; the police read but may not change (403).
RECORDER = expect(200, 200, 403, 404, 403, 403, 403)
CHANGED = expect(302, 302, 403, 404, 403, 403, 403)


def _page_rows(name: str, kwargs: Any) -> list[Row]:
    """The restriction form of a page: GET it, and POST a change."""
    return [
        Row(name, RECORDER, kwargs),
        Row(name, CHANGED, kwargs, method="POST", body=_restriction),
    ]


TABLE: list[Row] = [
    *_page_rows("cases:entry_restrict", _entry),
    *_page_rows("places:warning_restrict", _marker),
    Row("api:case_chronology", CASE_READ, lambda ids: {"pk": ids["case"]}),
    Row(
        "api:case_notes",
        expect(201, 201, 201, 404, 403, 403, 403),
        lambda ids: {"pk": ids["case"]},
        method="POST",
        body=lambda ids, user: {"text": "A note", "restriction": "police_only"},
    ),
    Row("api:case_chronology_restriction", RECORDER, _entry, method="PUT", body=_restriction),
    Row("api:address_warnings", AT_ADDRESS, lambda ids: {"uprn": ids["uprn"]}),
    Row("api:warning_restriction", RECORDER, _marker, method="PUT", body=_restriction),
]


def _put_and_undo(row: Row, state: World, persona: str) -> int:
    _, token = api_token_create(actor=None, user=state.personas.all()[persona])
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert row.body is not None
    with transaction.atomic():
        status = client.put(
            row.path(state.ids), row.body(state.ids, None), content_type="application/json"
        ).status_code
        transaction.set_rollback(True)
    return status


@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, restrict_world: World) -> None:
    request = _put_and_undo if row.method == "PUT" else _request_and_undo
    got = {persona: request(row, restrict_world, persona) for persona in PERSONAS}
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id}: " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )


HIDDEN_ROWS = hidden_rows(TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("row", HIDDEN_ROWS, ids=[row.id for row in HIDDEN_ROWS])
def test_hidden_answers_as_missing(row: Row, restrict_world: World) -> None:
    assert_hidden_answers_as_missing(row, restrict_world)
