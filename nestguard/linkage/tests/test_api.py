"""POST /api/v1/source-records/: stored as sent, never overwritten, field errors as 400."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import Personas
from nestguard.accounts.services import api_token_create
from nestguard.linkage.models import SourceRecord

pytestmark = pytest.mark.django_db
URL = "/api/v1/source-records/"


@pytest.fixture
def client(personas: Personas) -> Client:
    _, token = api_token_create(actor=None, user=personas.partner)
    return Client(headers={"Authorization": f"Bearer {token}"})


BODY = {
    "system": "Niche RMS",
    "record_id": "PER-0042",
    "given_name": "Jay",
    "family_name": "Smith",
    "date_of_birth": "2010-07",
    "postcode": "NB1 2AB",
    "contact_name": "DC Amy Lord",
    "contact_email": "amy.lord@police.example",
}


def test_a_record_is_stored_with_its_provenance(client, personas) -> None:  # type: ignore[no-untyped-def]
    response = client.post(URL, BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agency"] == "Northbrook Police" and body["date_of_birth"] == "2010-07"
    record = SourceRecord.objects.get()
    assert record.agency == personas.police and record.system == "Niche RMS"
    again = client.post(URL, BODY, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    changed = client.post(URL, {**BODY, "postcode": "NB9 9ZZ"}, content_type="application/json")
    assert changed.status_code == 201
    assert SourceRecord.objects.filter(record_id="PER-0042").count() == 2  # never overwritten


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"record_id": ""}, "record_id"),
        ({"system": ""}, "system"),
        ({"system": "nestguard"}, "system"),
        ({"date_of_birth": "2010-02-30"}, "date_of_birth"),
        ({"date_of_birth": "3000-01-01"}, "date_of_birth"),
        ({"given_name": 7}, "given_name"),
        ({"given_name": "x" * 101}, "given_name"),
        ({"contact_email": "not an email"}, "contact_email"),
        ({"favourite_colour": "red"}, "non_field_errors"),
        ({"given_name": "", "family_name": ""}, "given_name"),
    ],
)
def test_bad_input_answers_400_and_stores_nothing(client, change, field) -> None:  # type: ignore[no-untyped-def]
    response = client.post(URL, {**BODY, **change}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not SourceRecord.objects.exists()


def test_not_a_json_object(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post(URL, [1, 2], content_type="application/json").status_code == 400
    assert Client().post(URL, BODY, content_type="application/json").status_code == 401
