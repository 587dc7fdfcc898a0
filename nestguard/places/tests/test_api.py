"""GET /api/v1/addresses/?postcode=: the register at a postcode, for any valid token."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.people.tests.builders import make_case
from nestguard.places.models import Address
from tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/addresses/"


@pytest.fixture
def token(personas) -> str:  # type: ignore[no-untyped-def]
    """A referrer's token: the register is open to every signed-in role."""
    return api_token_create(actor=None, user=personas.referrer)[1]


def get(token: str | None, params: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(URL, params or {}, **headers)


def test_lists_register_addresses_at_the_postcode(personas, token):  # type: ignore[no-untyped-def]
    home = AddressFactory(line1="Flat 3, 14 Canal Street", uprn="100012345678", tenure="council")
    AddressFactory(line1="16 Canal Street")
    AddressFactory(line1="1 Far Road", postcode="NB7 1AA", postcode_key="NB71AA")
    Address.objects.create(
        line1="Typed on a referral", postcode="NB1 2AB", postcode_key="NB12AB", in_register=False
    )
    make_case(lead_agency=personas.hub, subjects=[(PersonFactory(), "victim")], addresses=[home])

    response = get(token, {"postcode": " nb12ab "})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {a["line1"] for a in body["results"]} == {"Flat 3, 14 Canal Street", "16 Canal Street"}
    first = next(a for a in body["results"] if a["uprn"] == "100012345678")
    assert first == {
        "id": str(home.pk),
        "uprn": "100012345678",
        "line1": "Flat 3, 14 Canal Street",
        "line2": "",
        "town": "Northbrook",
        "postcode": "NB1 2AB",
        "ward": "Central",
        "tenure": "council",
        "tenure_label": "Council tenancy",
    }
    # Addresses only: no case content.
    assert "case" not in response.content.decode().lower()
    event = AuditEvent.objects.get(action="address.search")
    assert event.actor == personas.referrer
    assert event.details == {"terms": {"postcode": "NB1 2AB"}, "found": 2}


def test_pages_with_limit_and_offset(token) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        AddressFactory()
    body = get(token, {"postcode": "NB1 2AB", "limit": "2", "offset": "2"}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Enter a postcode"),
        ({"postcode": ""}, "Enter a postcode"),
        ({"postcode": "  "}, "Enter a postcode"),
        ({"postcode": "NB1"}, "Enter a full UK postcode, like NB1 2AB"),
        ({"postcode": "<script>"}, "Enter a full UK postcode, like NB1 2AB"),
        ({"postcode": "NB1 2AB" * 20}, "Enter a full UK postcode, like NB1 2AB"),
        ({"postcode": "NB1\x07 2AB"}, "Postcode must not contain control characters"),
    ],
)
def test_missing_or_bad_postcode_is_400_with_a_field_error(token, params, message):  # type: ignore[no-untyped-def]
    AddressFactory()
    before = AuditEvent.objects.count()
    response = get(token, params)
    assert response.status_code == 400
    assert response.json() == {"postcode": [message]}
    assert AuditEvent.objects.count() == before


def test_without_a_valid_token_401(personas) -> None:  # type: ignore[no-untyped-def]
    for token in (None, "ng_wrong"):
        response = get(token, {"postcode": "NB1 2AB"})
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("count", [3, 30])
def test_queries_do_not_grow(token, django_assert_max_num_queries, count):  # type: ignore[no-untyped-def]
    for _ in range(count):
        AddressFactory()
    get(token, {"postcode": "NB1 2AB"})
    # The same bound for few and many rows (PostgreSQL adds one: the audit chain's lock).
    with django_assert_max_num_queries(8):
        response = get(token, {"postcode": "NB1 2AB"})
    assert response.json()["count"] == count


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.text(max_size=30))
def test_any_postcode_text_is_answered_200_or_400_never_500(token, raw):  # type: ignore[no-untyped-def]
    response = get(token, {"postcode": raw})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert list(response.json()) == ["postcode"]
