"""The access truth table of the partnership dashboard (decision 0093): the reporting roles
(analyst, supervisor, partnership manager) see it; caseworkers, referrers, panel chairs,
auditors and administrators are refused (403), and someone signed out is sent to sign in.

The personas of the main table have no analyst or partnership manager: those two, and the
signed-out visitor, are checked beside the table against the same page.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas, sign_in
from tests.factories import UserFactory
from tests.test_access_truth_table import (  # noqa: F401  (world: the main table's fixture)
    PERSONAS,
    Row,
    World,
    _request_and_undo,
    expect,
    world,
)

REPORTERS = expect(403, 200, 403, 403, 403, 403, 403)  # of the personas, only the supervisor

TABLE: list[Row] = [Row("reporting:dashboard", REPORTERS)]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, world: World) -> None:  # noqa: F811 (the fixture)
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id}: " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (["analyst"], 200),
        (["partnership_manager"], 200),
        (["panel_chair"], 403),
        (["caseworker", "referrer"], 403),
        (["auditor"], 403),
        (["admin"], 403),
    ],
)
def test_the_reporting_roles_and_no_others(
    personas: Personas, roles: list[str], status: int
) -> None:
    user = UserFactory(agency=personas.hub, roles=roles)
    response = sign_in(Client(), user).get(reverse("reporting:dashboard"))
    assert response.status_code == status
    # The navigation offers the page exactly to those it will answer.
    home = sign_in(Client(), user).get("/")
    assert (reverse("reporting:dashboard") in home.content.decode()) == (status == 200)


@pytest.mark.django_db
def test_signed_out_is_sent_to_sign_in() -> None:
    response = Client().get(reverse("reporting:dashboard"))
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]
