"""The enforcement API: the documented examples, field errors, 401, 404 for the unseen."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from nestguard.accounts.services import api_token_create
from nestguard.enforcement.models import EnforcementAction
from nestguard.enforcement.tests.world import UPRN, EnforcementWorld

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    _, token = api_token_create(actor=None, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {token}"})


def _post(client: Client, body: dict, uprn: str = UPRN):  # type: ignore[no-untyped-def,type-arg]
    return client.post(
        f"/api/v1/addresses/{uprn}/enforcement/", json.dumps(body), content_type="application/json"
    )


def test_list_shows_steps_with_deadlines_and_sources(eworld: EnforcementWorld) -> None:
    response = _client(eworld.personas.partner).get(f"/api/v1/enforcement/?address={UPRN}")
    assert response.status_code == 200
    body = response.json()
    assert [a["reference"] for a in body] == [eworld.cpw.reference, eworld.notice.reference]
    hearing = next(d for d in body[1]["deadlines"] if d["code"] == "hearing_by")
    assert hearing["source"]["section"] == "s.80(3)-(4)"
    assert hearing["on_passing"] == "overdue"


def test_list_needs_an_address_and_a_token(eworld: EnforcementWorld) -> None:
    assert _client(eworld.personas.owner).get("/api/v1/enforcement/").status_code == 400
    assert Client().get(f"/api/v1/enforcement/?address={UPRN}").status_code == 401


def test_a_cpn_after_its_warning_by_reference(eworld: EnforcementWorld) -> None:
    response = _post(
        _client(eworld.personas.owner),
        {"step": "cpn", "issuer": "local_authority_officer", "parent": eworld.cpw.reference},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent"] == eworld.cpw.reference
    assert body["person_id"] == str(eworld.person.pk)
    assert body["deadlines"][0]["code"] == "appeal_by"


def test_a_cpn_without_a_warning_is_400_with_the_rule(eworld: EnforcementWorld) -> None:
    response = _post(
        _client(eworld.personas.owner),
        {"step": "cpn", "issuer": "local_authority_officer", "person_id": str(eworld.person.pk)},
    )
    assert response.status_code == 400
    assert "ASBCPA 2014 s.43(5)" in response.json()["parent"][0]


def test_a_partial_closure_order(eworld: EnforcementWorld) -> None:
    ends = timezone.now() + dt.timedelta(days=80)
    response = _post(
        _client(eworld.personas.partner),
        {
            "step": "closure_order",
            "issuer": "police_inspector",
            "parent": eworld.notice.reference,
            "scope": "part",
            "part_description": "The rear bedroom",
            "ends_at": ends.isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["scope"] == "part"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"issuer": "police_inspector"}, "step"),
        ({"step": "asbo", "issuer": "police_inspector"}, "step"),
        ({"step": "closure_notice"}, "issuer"),
        (
            {"step": "closure_notice", "issuer": "police_inspector", "taken_at": "yesterday"},
            "taken_at",
        ),
        (
            {
                "step": "closure_notice",
                "issuer": "police_inspector",
                "taken_at": "2026-02-30T10:00",
            },
            "taken_at",
        ),
        ({"step": "closure_notice", "issuer": "police_inspector", "notes": "x" * 5001}, "notes"),
        ({"step": "closure_notice", "issuer": "police_inspector", "notes": ["a"]}, "notes"),
        ({"step": "cpw", "issuer": "police_constable", "person_id": "not-a-uuid"}, "person_id"),
        ({"step": "cpn", "issuer": "police_constable", "parent": "ENF-999999"}, "parent"),
    ],
)
def test_bad_bodies_are_400_and_write_nothing(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, body, field
) -> None:
    before = EnforcementAction.objects.count()
    response = _post(_client(eworld.personas.partner), body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert EnforcementAction.objects.count() == before


def test_an_unknown_uprn_is_404(eworld: EnforcementWorld) -> None:
    response = _post(
        _client(eworld.personas.owner),
        {"step": "closure_notice", "issuer": "local_authority_officer"},
        uprn="770000009999",
    )
    assert response.status_code == 404


def test_the_outsider_sees_no_partner_steps(eworld: EnforcementWorld) -> None:
    response = _client(eworld.personas.outsider).get(f"/api/v1/enforcement/?address={UPRN}")
    assert response.status_code == 200 and response.json() == []


def test_the_list_reads_in_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, django_assert_max_num_queries
) -> None:
    from nestguard.enforcement.services import enforcement_action_record

    client = _client(eworld.personas.owner)
    now = timezone.now()
    for n in range(8):
        enforcement_action_record(
            actor=eworld.personas.owner,
            address=eworld.address,
            step="cpw",
            taken_at=now - dt.timedelta(hours=n + 1),
            issuer="local_authority_officer",
            person=eworld.person,
            conduct=f"Conduct {n}",
            comply_by=now + dt.timedelta(days=7),
        )
    # As many as for the world's two steps (the door loads the address in one query with
    # its visibility, and audits the read; on PostgreSQL the audit chain's lock is one more).
    chain_lock = int(connection.vendor == "postgresql")
    with django_assert_max_num_queries(14 + chain_lock):
        response = client.get(f"/api/v1/enforcement/?address={UPRN}")
    assert len(response.json()) == 10


def test_a_hidden_person_answers_as_a_missing_one(eworld: EnforcementWorld) -> None:
    """No oracle: a person id that exists but is not the caller's to see gets the same answer
    as one that does not exist."""
    from nestguard.people.models import Person
    from tests.factories import PersonFactory

    hidden: Person = PersonFactory()  # on no case or referral the owner sees
    client = _client(eworld.personas.owner)
    answers = [
        _post(client, {"step": "cpw", "issuer": "local_authority_officer", "person_id": pk})
        for pk in (str(hidden.pk), "00000000-0000-4000-8000-000000000000")
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    assert "person_id" in answers[0].json()
