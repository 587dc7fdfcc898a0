"""The referrals API: one-call referrals, listing, reading, triage; and the docs examples."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from nestguard.accounts.services import api_token_create, api_token_revoke
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import Case
from nestguard.people.models import Person
from nestguard.places.models import Address
from nestguard.referrals import services
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject
from nestguard.referrals.tests.helpers import submitted

pytestmark = pytest.mark.django_db

API_DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
LIST = "/api/v1/referrals/"


def referrals_section() -> str:
    text = API_DOC.read_text(encoding="utf-8")
    start = text.index("<!-- section: referrals")
    end = text.index("<!-- section:", start + 10)
    return text[start:end]


def doc_example(heading: str) -> dict[str, Any]:
    """The first ```json block after the heading, exactly as written in docs/api.md."""
    section = referrals_section()
    at = section.index(f"### {heading}\n")
    match = re.search(r"```json\n(.*?)\n```", section[at:], re.S)
    assert match, f"no json example after {heading}"
    return json.loads(match.group(1))


class Api:
    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path: str) -> Any:
        return self.client.get(path, **self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            path, data=json.dumps(body), content_type="application/json", **self.headers
        )


def body(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(doc_example("POST /api/v1/referrals/"))
    data.update(changes)
    return data


def counts() -> tuple[int, ...]:
    return (
        Referral.objects.count(),
        ReferralSubject.objects.count(),
        Person.objects.count(),
        Address.objects.count(),
        AuditEvent.objects.exclude(action="api_token.create").count(),
    )


# ---------------------------------------------------------------------------------------------
# The documented examples work as they stand


def test_the_documented_referral_example_is_accepted(personas, api_for) -> None:
    response = api_for("partner").post(LIST, doc_example("POST /api/v1/referrals/"))
    assert response.status_code == 201, response.content
    answer = response.json()
    referral = Referral.objects.get(pk=answer["id"])
    assert answer["reference"] == referral.reference
    assert answer["status"] == "submitted" and answer["triage_due_at"]
    assert set(answer) >= {"id", "reference", "status", "triage_due_at"}
    assert "subjects" not in answer
    assert referral.referrer == personas.partner
    assert referral.subjects.count() == 2
    assert all(s.person_id for s in referral.subjects.all())
    assert referral.address.postcode == "NB1 2AB"
    assert list(referral.triage_agencies.all()) == [personas.hub]
    assert AuditEvent.objects.filter(action="referral.submit", object_id=str(referral.pk)).exists()


def test_the_documented_triage_example_opens_a_case(personas, api_for) -> None:
    referral = submitted(personas.referrer)
    response = api_for("owner").post(
        f"{LIST}{referral.pk}/triage/", doc_example("POST /api/v1/referrals/{id}/triage/")
    )
    assert response.status_code == 200, response.content
    answer = response.json()
    case = Case.objects.get(pk=answer["case_id"])
    assert answer["status"] == "accepted" and case.lead_worker == personas.owner
    referral.refresh_from_db()
    assert referral.case == case


def test_the_documented_400_shape_is_what_the_api_says(personas, api_for) -> None:
    data = body()
    data["subjects"][1] = {"role": "associate", "identity_unknown": True}
    data["address"]["postcode"] = "nowhere"
    response = api_for("partner").post(LIST, data)
    assert response.status_code == 400
    section = referrals_section()
    at = section.index("A bad body answers `400`")
    documented = json.loads(re.search(r"```json\n(.*?)\n```", section[at:], re.S).group(1))
    assert response.json() == documented


# ---------------------------------------------------------------------------------------------
# Bad input: 400 with field errors, nothing written


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"urgency": "now"}, ["urgency"], "not a valid choice"),
        ({"concern_types": ["burglary"]}, ["concern_types", "0"], "not a valid choice"),
        ({"concern_types": []}, ["concern_types"], "at least one kind"),
        ({"indicators": ["shifty"]}, ["indicators", "0"], "not a valid choice"),
        ({"subjects": []}, ["subjects"], "at least one person"),
        ({"subjects": "Morgan"}, ["subjects", "non_field_errors"], "list"),
        ({"lawful_basis": "because"}, ["lawful_basis"], "not a valid choice"),
        ({"consent": "refused", "consent_reason": ""}, ["consent_reason"], "Select why"),
        ({"signs_text": "x" * 5001}, ["signs_text"], "5000 characters"),
        ({"signs_text": 12}, None, None),  # numbers are read as text; fine
        ({"referrer_phone": "ring me"}, ["referrer_phone"], "telephone number"),
        ({"address": {"line1": "", "town": "", "postcode": ""}}, ["address", "line1"], "Enter"),
        (
            {"address": {"not_known": True, "not_known_reason": ""}},
            ["address", "not_known_reason"],
            "Say why",
        ),
    ],
)
def test_bad_bodies_answer_400_with_field_errors_and_write_nothing(
    personas, api_for, changes, path, message
) -> None:
    api = api_for("partner")
    before = counts()
    response = api.post(LIST, body(**changes))
    if path is None:
        assert response.status_code == 201
        return
    assert response.status_code == 400, response.content
    errors: Any = response.json()
    for key in path:
        errors = errors[key]
    assert message in " ".join(errors)
    assert counts() == before


@pytest.mark.parametrize(
    ("subject_changes", "field", "message"),
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "today or in the past"),
        ({"date_of_birth": "1980-02-30"}, "date_of_birth", "Date has wrong format"),
        ({"date_of_birth": "last spring"}, "date_of_birth", "Date has wrong format"),
        ({"age_estimate": "old"}, "age_estimate", "valid integer"),
        ({"age_estimate": 30}, "age_estimate", "not both"),
        ({"role": "mastermind"}, "role", "not a valid choice"),
        ({"given_name": "x" * 101}, "given_name", "100 characters"),
        ({"given_name": "", "family_name": ""}, "given_name", "first or last name"),
        ({"description": "bad\x07bell"}, "description", "control characters"),
    ],
)
def test_bad_people_are_reported_by_position(
    personas, api_for, subject_changes, field, message
) -> None:
    data = body()
    data["subjects"][0].update(subject_changes)
    before = counts()
    response = api_for("partner").post(LIST, data)
    assert response.status_code == 400, response.content
    errors = response.json()["subjects"]
    first = errors[0] if isinstance(errors, list) else errors["0"]
    assert message in " ".join(first[field])
    assert counts() == before


def test_not_json_and_not_an_object_are_400(personas, api_for) -> None:
    api = api_for("partner")
    response = api.client.post(
        LIST, data="{not json", content_type="application/json", **api.headers
    )
    assert response.status_code == 400
    assert api.post(LIST, ["a list"]).status_code == 400
    assert Referral.objects.count() == 0


def test_markup_is_stored_as_text(personas, api_for) -> None:
    data = body(signs_text="<script>alert('x')</script>")
    response = api_for("partner").post(LIST, data)
    assert response.status_code == 201
    assert Referral.objects.get().signs_text == "<script>alert('x')</script>"


# ---------------------------------------------------------------------------------------------
# Authentication and roles


def test_without_a_valid_token_401(personas) -> None:
    for api in (Api(None), Api("ng_not-a-token")):
        assert api.get(LIST).status_code == 401
        assert api.post(LIST, body()).status_code == 401
    assert Referral.objects.count() == 0


def test_a_revoked_token_is_401(personas) -> None:
    token, plain = api_token_create(actor=None, user=personas.partner)
    api_token_revoke(actor=None, token=token)
    assert Api(plain).post(LIST, body()).status_code == 401


def test_roles_without_referring_are_403(personas, api_for) -> None:
    assert api_for("auditor").post(LIST, body()).status_code == 403
    assert api_for("admin").get(LIST).status_code == 403


# ---------------------------------------------------------------------------------------------
# Reading


def test_list_shows_what_the_user_made_or_may_triage(personas, api_for) -> None:
    by_referrer = submitted(personas.referrer)
    by_partner = submitted(personas.partner)
    ids = {r["id"] for r in api_for("owner").get(LIST).json()["results"]}
    assert ids == {str(by_referrer.pk), str(by_partner.pk)}
    ids = {r["id"] for r in api_for("referrer").get(LIST).json()["results"]}
    assert ids == {str(by_referrer.pk)}
    assert api_for("outsider").get(LIST).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_list_is_paginated(personas, api_for) -> None:
    for _ in range(3):
        submitted(personas.referrer)
    page = api_for("owner").get(f"{LIST}?limit=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_detail_in_full_for_triage_status_only_for_the_referrer(personas, api_for) -> None:
    referral = submitted(personas.referrer)
    full = api_for("owner").get(f"{LIST}{referral.pk}/")
    assert full.status_code == 200
    data = full.json()
    assert data["subjects"][0]["given_name"] == "Alex"
    assert data["subjects"][0]["aliases"] == ["Al"]
    assert data["address"]["postcode"] == "NB1 2AB" and data["address"]["in_register"] is False
    assert AuditEvent.objects.filter(action="referral.view", object_id=str(referral.pk)).exists()
    own = api_for("referrer").get(f"{LIST}{referral.pk}/")
    assert own.status_code == 200
    assert "subjects" not in own.json() and own.json()["status"] == "submitted"
    assert AuditEvent.objects.filter(action="referral.status_view").count() == 1


@pytest.mark.parametrize("name", ["outsider", "partner"])
def test_detail_of_an_unseen_referral_is_404(personas, api_for, name) -> None:
    referral = submitted(personas.referrer)
    assert api_for(name).get(f"{LIST}{referral.pk}/").status_code == 404
    assert api_for(name).get(f"{LIST}00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_referrer_is_told_the_outcome_in_words(personas, api_for) -> None:
    referral = submitted(personas.referrer)
    services.referral_triage(
        actor=personas.owner,
        referral=referral,
        decision="redirect",
        redirect_to="mash",
        reason="This is a children's safeguarding matter.",
    )
    data = api_for("referrer").get(f"{LIST}{referral.pk}/").json()
    assert data["status"] == "redirected"
    assert "Multi-Agency Safeguarding Hub" in data["outcome"]
    assert data["reason_text"] == "This is a children's safeguarding matter."
    assert "case_id" not in data
    referral.refresh_from_db()
    assert referral.outcome_seen_at is None  # the page still shows its banner


# ---------------------------------------------------------------------------------------------
# Triage


def test_triage_decline_redirect_and_merge(personas, api_for) -> None:
    api = api_for("owner")
    first = submitted(personas.referrer)
    case_id = api.post(f"{LIST}{first.pk}/triage/", {"decision": "accept"}).json()["case_id"]
    second = submitted(personas.referrer)
    response = api.post(f"{LIST}{second.pk}/triage/", {"decision": "merge", "case_id": case_id})
    assert response.status_code == 200 and response.json()["case_id"] == case_id
    third = submitted(personas.referrer)
    response = api.post(
        f"{LIST}{third.pk}/triage/",
        {"decision": "decline", "reason_code": "duplicate", "reason": "Same as REF-000001"},
    )
    assert response.json()["status"] == "declined" and response.json()["case_id"] is None
    fourth = submitted(personas.referrer)
    response = api.post(
        f"{LIST}{fourth.pk}/triage/",
        {"decision": "redirect", "redirect_to": "police", "reason": "A crime to report"},
    )
    assert response.json()["status"] == "redirected"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "decision", "required"),
        ({"decision": "shrug"}, "decision", "not a valid choice"),
        ({"decision": "decline", "reason": "No"}, "reason_code", "Select why"),
        ({"decision": "redirect", "redirect_to": "mash"}, "reason", "Explain in words"),
        ({"decision": "merge"}, "case_id", "Give the id"),
        ({"decision": "merge", "case_id": "not-a-uuid"}, "case_id", "valid UUID"),
        (
            {"decision": "merge", "case_id": "00000000-0000-0000-0000-000000000000"},
            "case_id",
            "no case with that id",
        ),
    ],
)
def test_bad_triage_bodies_are_400_and_change_nothing(
    personas, api_for, data, field, message
) -> None:
    referral = submitted(personas.referrer)
    response = api_for("owner").post(f"{LIST}{referral.pk}/triage/", data)
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED and Case.objects.count() == 0


def test_triage_by_someone_outside_the_route_is_404_and_by_a_referrer_403(
    personas, api_for
) -> None:
    referral = submitted(personas.referrer)
    path = f"{LIST}{referral.pk}/triage/"
    assert api_for("outsider").post(path, {"decision": "accept"}).status_code == 404
    assert api_for("partner").post(path, {"decision": "accept"}).status_code == 404
    assert api_for("referrer").post(path, {"decision": "accept"}).status_code == 403
    assert Case.objects.count() == 0


def test_triage_twice_is_400(personas, api_for) -> None:
    referral = submitted(personas.referrer)
    api = api_for("owner")
    assert api.post(f"{LIST}{referral.pk}/triage/", {"decision": "accept"}).status_code == 200
    again = api.post(f"{LIST}{referral.pk}/triage/", {"decision": "accept"})
    assert again.status_code == 400 and "already triaged" in again.json()["decision"][0]


def test_the_schema_documents_the_referral_bodies(personas, api_for) -> None:
    response = api_for("owner").get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for name in (
        "ReferralCreateRequest",
        "ReferralStatus",
        "ReferralFull",
        "TriageInRequest",
        "TriageOut",
        "/api/v1/referrals/{id}/triage/",
    ):
        assert name in text, name
