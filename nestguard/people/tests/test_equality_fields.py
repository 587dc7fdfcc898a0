"""Equality monitoring fields (decision 0091): the code lists, the one write path, the person
page's form and the API's PATCH, each refusing an unknown code with its field's error."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.people import equality
from nestguard.people.services import person_equality_record
from nestguard.people.tests.builders import make_case
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_ethnicity_is_the_2021_census_list_in_five_groups():
    ethnicity = equality.codes("ethnicity")
    census = [c for c in ethnicity.codes if c.get("group") not in ("not_stated", "not_known")]
    assert len(census) == 19
    assert {c.get("group") for c in census} == {"asian", "black", "mixed", "white", "other"}
    assert "white_roma" in ethnicity and "prefer_not_to_say" in ethnicity
    assert ethnicity.version and "ons.gov.uk" in ethnicity.source
    assert equality.codes("sex").values == ["female", "male", "not_known"]
    assert equality.codes("gender_identity").values == ["same", "different", "prefer_not_to_say"]
    assert equality.ethnic_groups()[-1] == equality.NOT_RECORDED


@pytest.fixture
def jay(personas):  # type: ignore[no-untyped-def]
    person = PersonFactory(given_name="Jay", family_name="Okafor", age_estimate=16)
    make_case(lead_agency=personas.hub, subjects=[(person, "victim")])
    return person


def test_the_service_records_audits_names_fields_not_values(personas, jay):  # type: ignore[no-untyped-def]
    person_equality_record(
        actor=personas.owner, person=jay, sex="male", ethnicity="black_caribbean"
    )
    jay.refresh_from_db()
    assert (jay.sex, jay.gender_identity, jay.ethnicity) == ("male", "", "black_caribbean")
    event = AuditEvent.objects.get(action="person.equality_record")
    assert event.details == {"changed": ["sex", "ethnicity"]}
    assert "caribbean" not in str(event.details).lower()
    # Nothing changed: nothing written.
    person_equality_record(actor=personas.owner, person=jay, sex="male")
    assert AuditEvent.objects.filter(action="person.equality_record").count() == 1
    person_equality_record(actor=personas.owner, person=jay, sex="")
    jay.refresh_from_db()
    assert jay.sex == ""


@pytest.mark.parametrize(
    ("field", "value"), [("sex", "M"), ("gender_identity", "yes"), ("ethnicity", "white"),
                         ("ethnicity", 7)],
)  # fmt: skip
def test_the_service_refuses_unknown_codes(personas, jay, field, value):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        person_equality_record(actor=personas.owner, person=jay, **{field: value})
    assert field in refused.value.message_dict
    jay.refresh_from_db()
    assert getattr(jay, field) == ""


@pytest.mark.parametrize("name", ["outsider", "referrer", "auditor", "admin"])
def test_only_a_caseworker_who_sees_the_person_may_record(personas, jay, name):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        person_equality_record(actor=personas.all()[name], person=jay, sex="female")


def test_the_page_labels_them_and_saves(client_for, jay):  # type: ignore[no-untyped-def]
    client = client_for("owner")
    page = client.get(f"/people/{jay.pk}/")
    assert equality.MONITORING_ONLY in page.content.decode()
    assert f"/people/{jay.pk}/equality/" in page.content.decode()
    form = client.get(f"/people/{jay.pk}/equality/")
    assert form.status_code == 200
    assert "never used to assess risk" in form.content.decode()
    saved = client.post(
        f"/people/{jay.pk}/equality/",
        {"sex": "female", "gender_identity": "prefer_not_to_say", "ethnicity": "asian_indian"},
    )
    assert saved.status_code == 302
    jay.refresh_from_db()
    assert (jay.sex, jay.gender_identity, jay.ethnicity) == (
        "female", "prefer_not_to_say", "asian_indian"
    )  # fmt: skip
    assert "Indian" in client.get(f"/people/{jay.pk}/").content.decode()


def test_the_page_shows_an_error_summary_for_an_unknown_code(client_for, jay):  # type: ignore[no-untyped-def]
    client = client_for("owner")
    response = client.post(f"/people/{jay.pk}/equality/", {"ethnicity": "martian"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Select ethnic group from the list" in body
    jay.refresh_from_db()
    assert jay.ethnicity == ""


@pytest.mark.parametrize(("name", "status"), [("outsider", 404), ("referrer", 403)])
def test_the_page_is_not_for_those_who_may_not_see_or_record(client_for, jay, name, status):  # type: ignore[no-untyped-def]
    client = client_for(name)
    assert client.get(f"/people/{jay.pk}/equality/").status_code == status
    client.post(f"/people/{jay.pk}/equality/", {"sex": "male"})
    jay.refresh_from_db()
    assert jay.sex == ""


def _patch(personas, name, person, body):  # type: ignore[no-untyped-def]
    _, token = api_token_create(actor=None, user=personas.all()[name])
    return Client().patch(
        f"/api/v1/people/{person.pk}/", body, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip


def test_the_api_reads_and_patches_them(personas, jay):  # type: ignore[no-untyped-def]
    response = _patch(personas, "owner", jay, {"sex": "male", "gender_identity": "same"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["sex"], body["gender_identity"], body["ethnicity"]) == ("male", "same", "")
    assert AuditEvent.objects.filter(action="person.equality_record").count() == 1


@pytest.mark.parametrize(
    "body",
    [{"sex": "M"}, {"ethnicity": "white"}, {"gender_identity": True}, {"given_name": "Bob"}, {}],
)
def test_the_api_answers_400_with_field_errors(personas, jay, body):  # type: ignore[no-untyped-def]
    response = _patch(personas, "owner", jay, body)
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == (set(body) or {"non_field_errors"})
    jay.refresh_from_db()
    assert (jay.sex, jay.gender_identity, jay.ethnicity, jay.given_name) == ("", "", "", "Jay")


@pytest.mark.parametrize(("name", "status"), [("outsider", 404), ("referrer", 403)])
def test_the_api_refuses_those_who_may_not_record(personas, jay, name, status):  # type: ignore[no-untyped-def]
    assert _patch(personas, name, jay, {"sex": "male"}).status_code == status
    jay.refresh_from_db()
    assert jay.sex == ""


def test_adding_a_person_to_a_case_may_record_them_too(personas, client_for):  # type: ignore[no-untyped-def]
    case = make_case(lead_agency=personas.hub, team_users=[personas.owner])
    client = client_for("owner")
    form = client.get(f"/cases/{case.pk}/people/add/")
    assert form.status_code == 200
    assert equality.MONITORING_ONLY in form.content.decode()
    bad = client.post(
        f"/cases/{case.pk}/people/add/",
        {"role": "victim", "given_name": "Mo", "ethnicity": "martian"},
    )
    assert "Select ethnic group from the list" in bad.content.decode()
    assert not case.subjects.exists()
    client.post(
        f"/cases/{case.pk}/people/add/",
        {"role": "victim", "given_name": "Mo", "sex": "male", "ethnicity": "other_arab"},
    )
    person = case.subjects.get().person
    assert (person.sex, person.gender_identity, person.ethnicity) == ("male", "", "other_arab")
    assert AuditEvent.objects.filter(action="person.equality_record").count() == 1
