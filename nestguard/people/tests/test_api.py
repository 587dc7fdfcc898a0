"""GET /api/v1/people/{id}/: the person page's rules for partner systems."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from nestguard.accounts.services import api_token_create, api_token_revoke
from nestguard.audit.models import AuditEvent
from nestguard.people.models import Alias
from nestguard.people.tests.builders import make_case, make_referral
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def path(person_id: object) -> str:
    return f"/api/v1/people/{person_id}/"


@pytest.fixture
def token_for(personas):  # type: ignore[no-untyped-def]
    def make(name: str) -> str:
        _, plain = api_token_create(actor=None, user=personas.all()[name])
        return plain

    return make


def get(token: str | None, url: str):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(url, **headers)


@pytest.fixture
def jay(personas):  # type: ignore[no-untyped-def]
    jay = PersonFactory(given_name="Jay", family_name="Okafor", age_estimate=16)
    Alias.objects.create(person=jay, name="J-Man")
    visible = make_case(
        lead_agency=personas.hub,
        subjects=[(jay, "victim"), (jay, "suspected_exploiter")],
        team_agencies=[personas.police],
    )
    hidden = make_case(lead_agency=personas.outsider_agency, subjects=[(jay, "associate")])
    referral = make_referral(
        referrer=personas.referrer,
        subjects=[(jay, "person_at_risk")],
        triage_agencies=[personas.hub],
    )
    return {"person": jay, "visible": visible, "hidden": hidden, "referral": referral}


def test_owner_gets_the_person_with_roles_and_also_known_to(personas, token_for, jay):  # type: ignore[no-untyped-def]
    response = get(token_for("owner"), path(jay["person"].pk))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(jay["person"].pk)
    assert body["display_name"] == "Jay Okafor"
    assert body["aliases"] == ["J-Man"]
    assert body["age"] == 16 and body["age_is_estimated"] is True
    assert [(c["reference"], c["roles"]) for c in body["cases"]] == [
        (jay["visible"].reference, ["victim", "suspected_exploiter"])
    ]
    assert [(r["reference"], r["roles"]) for r in body["referrals"]] == [
        (jay["referral"].reference, ["person_at_risk"])
    ]
    known = {k["agency"]: k for k in body["also_known_to"]}
    # The housing association leads the hidden case and shares no agreement with the hub:
    # that it knows Jay is not the owner's to learn (decision 0079).
    assert set(known) == {personas.hub.name, personas.police.name}
    assert personas.outsider_agency.name not in response.content.decode()
    assert [hub["agency"] for hub in body["ask"]] == [personas.hub.name]
    assert known[personas.hub.name]["cases"] == [jay["visible"].reference]
    assert known[personas.hub.name]["referrals"] == [jay["referral"].reference]
    assert jay["hidden"].reference not in response.content.decode()
    assert "associate" not in response.content.decode()
    event = AuditEvent.objects.get(action="person.view")
    assert event.actor == personas.owner
    assert event.object_id == str(jay["person"].pk)
    assert event.purpose == "partner_system"


def test_outsider_gets_404_for_a_person_they_may_not_see(token_for, personas):  # type: ignore[no-untyped-def]
    person = PersonFactory()
    make_case(lead_agency=personas.hub, subjects=[(person, "victim")])
    response = get(token_for("outsider"), path(person.pk))
    assert response.status_code == 404
    missing = get(token_for("outsider"), path(uuid.uuid4()))
    assert missing.status_code == 404
    assert response.json() == missing.json()
    assert not AuditEvent.objects.filter(action="person.view").exists()


def test_without_a_valid_token_401_with_bearer_challenge(token_for, jay):  # type: ignore[no-untyped-def]
    for token in (None, "ng_not-a-real-token"):
        response = get(token, path(jay["person"].pk))
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
    wrong_scheme = Client().get(path(jay["person"].pk), HTTP_AUTHORIZATION="Token abc")
    assert wrong_scheme.status_code == 401


def test_a_revoked_token_is_refused(personas, jay):  # type: ignore[no-untyped-def]
    token, plain = api_token_create(actor=None, user=personas.owner)
    api_token_revoke(actor=None, token=token)
    assert get(plain, path(jay["person"].pk)).status_code == 401


def test_a_session_is_not_a_token(client_for, jay):  # type: ignore[no-untyped-def]
    response = client_for("owner").get(path(jay["person"].pk))
    assert response.status_code == 401


@pytest.mark.parametrize("name", ["referrer", "auditor", "admin"])
def test_roles_without_casework_are_refused(token_for, jay, name):  # type: ignore[no-untyped-def]
    assert get(token_for(name), path(jay["person"].pk)).status_code == 403


def test_a_malformed_id_is_404(token_for) -> None:  # type: ignore[no-untyped-def]
    assert get(token_for("owner"), "/api/v1/people/not-a-uuid/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_queries_do_not_grow_with_cases(  # type: ignore[no-untyped-def]
    personas, token_for, django_assert_max_num_queries, count
):
    person = PersonFactory()
    for _ in range(count):
        make_case(
            lead_agency=personas.hub,
            subjects=[(person, "victim")],
            team_agencies=[personas.police],
        )
        make_referral(
            referrer=personas.referrer,
            subjects=[(person, "person_at_risk")],
            triage_agencies=[personas.hub],
        )
    token = token_for("owner")
    get(token, path(person.pk))
    # The same bound for few and many rows (PostgreSQL adds one: the audit chain's lock;
    # "also known to" two: the viewer's agreement partners and whom to ask at the hub).
    with django_assert_max_num_queries(19):
        response = get(token, path(person.pk))
    assert len(response.json()["cases"]) == count
