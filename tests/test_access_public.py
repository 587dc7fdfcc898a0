"""The access truth table of public reporting (issue 12 point 6, decision 0100).

The world: one public report (a postcode, no address line) with the reporter's contact
details. The public form is open to everyone, signed in or not (an anonymous visitor is tested
below and in tests/test_url_access_rules.py); it needs no role. The public reports' queue is
a triage page (the TRIAGE rule: every caseworker and supervisor may open it, and sees only
what the door gives, which is nothing outside the hub); a report itself is the hub's triage
team's only: other caseworkers are told nothing exists (404).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from nestguard.public import services
from nestguard.public.models import PublicReport
from tests.test_access_truth_table import (
    PERSONAS,
    Row,
    World,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    expect,
    hidden_rows,
)

EVERYONE = expect(200, 200, 200, 200, 200, 200, 200)
CASEWORKERS = expect(200, 200, 200, 200, 403, 403, 403)
HUB_TRIAGE = expect(200, 200, 404, 404, 403, 403, 403)
HUB_DECIDES = expect(302, 302, 404, 404, 403, 403, 403)


@pytest.fixture
def world(personas: Personas) -> World:
    report = services.public_report_submit(
        actor=None,
        signs=["visitors"],
        postcode="NB1 2AB",
        seen_on=timezone.localdate(),
        contact_name="A Neighbour",
    )
    world = World(personas=personas, referral=None, pending=None, draft=None, case=None)  # type: ignore[arg-type]
    world.ids = {"public_report": report.pk}
    return world


def _report(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["public_report"]}


def _form(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "signs": ["noise_doors"],
        "postcode": "NB1 2AB",
        "seen_on_day": str(today.day),
        "seen_on_month": str(today.month),
        "seen_on_year": str(today.year),
    }


TABLE: list[Row] = [
    Row("public:report", EVERYONE),
    Row("public:report", EVERYONE, method="POST", body=_form),
    Row("public:queue", CASEWORKERS),
    Row("public:detail", HUB_TRIAGE, _report),
    Row(
        "public:detail",
        HUB_DECIDES,
        _report,
        method="POST",
        body=lambda ids, user: {"decision": "accept"},
    ),
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


@pytest.mark.django_db
def test_an_anonymous_visitor_reports_and_reaches_nothing_else(world: World) -> None:
    """The truth table's anonymous column: the form (GET and POST) and nothing more."""
    client = Client()
    assert client.get(reverse("public:report")).status_code == 200
    sent = client.post(reverse("public:report"), _form(world.ids, None))
    assert sent.status_code == 200 and "Report sent" in sent.content.decode()
    assert PublicReport.objects.count() == 2
    for name, kwargs in (("public:queue", {}), ("public:detail", _report(world.ids))):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))
