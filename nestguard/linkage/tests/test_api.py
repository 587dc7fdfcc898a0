"""POST /api/v1/source-records/: stored as sent, never overwritten, field errors as 400."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

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
    assert body["date_of_birth_given"] == "2010-07" and body["warnings"] == []
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
        ({"date_of_birth": "1" * 41}, "date_of_birth"),
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


@pytest.mark.parametrize("given", ["2010-02-30", "31/02/1980", "1950-43-06"])
def test_a_date_that_is_not_real_is_kept_as_sent_with_a_warning(client, given) -> None:  # type: ignore[no-untyped-def]
    response = client.post(URL, {**BODY, "date_of_birth": given}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["date_of_birth"], body["date_of_birth_given"]) == ("", given)
    assert [w["field"] for w in body["warnings"]] == ["date_of_birth"]
    assert "kept as given and compared as text" in body["warnings"][0]["message"]
    record = SourceRecord.objects.get()
    assert (record.date_of_birth, record.date_of_birth_given) == ("", given)
    # Sent again unchanged: already held (200), with the same warning.
    again = client.post(URL, {**BODY, "date_of_birth": given}, content_type="application/json")
    assert again.status_code == 200 and again.json()["warnings"] == body["warnings"]
    # A different doubtful date is a changed record, kept beside the first.
    other = {**BODY, "date_of_birth": "1950-44-06"}
    assert client.post(URL, other, content_type="application/json").status_code == 201


def test_a_future_date_of_birth_is_kept_with_a_warning(client) -> None:  # type: ignore[no-untyped-def]
    future = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = client.post(URL, {**BODY, "date_of_birth": future}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["warnings"][0]["message"].startswith("Date of birth must be in the past")
