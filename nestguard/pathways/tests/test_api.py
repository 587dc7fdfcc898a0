"""The pathways API: 201 for good bodies, 400 with field errors and nothing written, 401
without a token, 403 for a non-first-responder's NRM referral, 404 for the unseen."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nestguard.accounts.services import api_token_create
from nestguard.pathways.models import MissingEpisode, NrmReferral, OnwardReferral

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):  # type: ignore[no-untyped-def]
    def make(name: str) -> Client:
        _, token = api_token_create(actor=None, user=personas.all()[name])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def post(client: Client, url: str, body: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


def episode_body(pw, **changes: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    body = {
        "person_id": str(pw.child.pk), "case_id": str(pw.case.pk), "report_type": "missing",
        "risk_grade": "medium", "category": "missing_from_home",
        "care_status": "not_looked_after",
        "started_at": (timezone.now() - timedelta(hours=4)).isoformat(),
        "circumstances": "<script>x</script>",
    }  # fmt: skip
    body.update(changes)
    return body


def test_record_list_and_read_an_episode(pw, api) -> None:
    client = api("owner")
    response = post(client, "/api/v1/missing-episodes/", episode_body(pw))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"].startswith("MISS-")
    assert data["person"]["id"] == str(pw.child.pk)
    assert data["return_interview"] is None and data["return_interview_due_at"] is None
    listing = client.get(f"/api/v1/missing-episodes/?person_id={pw.child.pk}").json()
    assert listing["count"] == 1
    assert client.get(f"/api/v1/missing-episodes/{data['id']}/").status_code == 200
    assert api("outsider").get(f"/api/v1/missing-episodes/{data['id']}/").status_code == 404
    assert Client().get("/api/v1/missing-episodes/").status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"person_id": "not-a-uuid"}, "person_id"),
        ({"person_id": str(uuid.uuid4())}, "person_id"),
        ({"case_id": str(uuid.uuid4())}, "case_id"),
        ({"risk_grade": "severe"}, "risk_grade"),
        ({"started_at": "2026-02-30T10:00:00Z"}, "started_at"),
        ({"started_at": "2099-01-01T10:00:00Z"}, "started_at"),
        ({"report_type": "absent"}, "risk_grade"),
        ({"police_reference": "x" * 41}, "police_reference"),
        ({"circumstances": 12}, "circumstances"),
    ],
)
def test_bad_episode_bodies(pw, api, changes, field) -> None:
    response = post(api("owner"), "/api/v1/missing-episodes/", episode_body(pw, **changes))
    assert response.status_code == 400
    assert field in response.json()
    assert not MissingEpisode.objects.exists()


def test_the_outsider_cannot_name_people_they_cannot_see(pw, api) -> None:
    response = post(api("outsider"), "/api/v1/missing-episodes/", episode_body(pw))
    assert response.status_code == 400
    assert response.json()["person_id"] == ["No person with this id that you may see"]


def nrm_body(pw, **changes: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    body = {
        "person_id": str(pw.adult.pk), "case_id": str(pw.case.pk),
        "referred_on": timezone.localdate().isoformat(), "consent": "consented",
        "exploitation_types": ["cuckooing"],
    }  # fmt: skip
    body.update(changes)
    return body


def test_nrm_referral_by_api(pw, api) -> None:
    response = post(api("owner"), "/api/v1/nrm-referrals/", nrm_body(pw))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["stage"] == "referred" and data["is_child"] is False
    declined = post(api("owner"), "/api/v1/nrm-referrals/", nrm_body(pw, consent="declined"))
    assert declined.status_code == 400 and "Duty to Notify" in declined.json()["consent"][0]
    assert NrmReferral.objects.count() == 1
    assert api("partner").get(f"/api/v1/nrm-referrals/{data['id']}/").status_code == 200
    assert api("outsider").get(f"/api/v1/nrm-referrals/{data['id']}/").status_code == 404


def test_nrm_referral_by_a_non_first_responder_is_403(pw, api) -> None:
    pw.personas.police.is_first_responder = False
    pw.personas.police.save()
    response = post(api("partner"), "/api/v1/nrm-referrals/", nrm_body(pw))
    assert response.status_code == 403
    assert "first responder" in response.json()["detail"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"exploitation_types": []}, "exploitation_types"),
        ({"exploitation_types": ["piracy"]}, "exploitation_types"),
        ({"referred_on": "yesterday"}, "referred_on"),
        ({"may_be_child": "perhaps"}, "may_be_child"),
        ({"consent": "not_required"}, "consent"),  # an adult
    ],
)
def test_bad_nrm_bodies(pw, api, changes, field) -> None:
    response = post(api("owner"), "/api/v1/nrm-referrals/", nrm_body(pw, **changes))
    assert response.status_code == 400 and field in response.json()
    assert not NrmReferral.objects.exists()


def test_onward_referral_by_api(pw, api) -> None:
    body = {
        "case_id": str(pw.case.pk), "person_id": str(pw.adult.pk),
        "service": "young_adult_employment", "reason": "Work", "consent_given": True,
    }  # fmt: skip
    response = post(api("owner"), "/api/v1/onward-referrals/", body)
    assert response.status_code == 400
    assert "aged 30 or under" in response.json()["service"][0]
    body["service"] = "recovery_service"
    response = post(api("owner"), "/api/v1/onward-referrals/", body)
    assert response.status_code == 201 and response.json()["status"] == "sent"
    assert api("owner").get("/api/v1/onward-referrals/").json()["count"] == 1
    assert api("outsider").get("/api/v1/onward-referrals/").json()["count"] == 0
    assert OnwardReferral.objects.count() == 1
