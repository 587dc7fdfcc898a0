"""The cases API: 201/200 for good bodies, 400 with field errors (nothing written), 401
without a token, 403 when the roles or the case rules do not allow it, 404 for the unseen."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import Case, CaseStatus, Intervention
from nestguard.cases.services.interventions import intervention_add
from nestguard.cases.services.work import case_status_change
from nestguard.cases.tests.conftest import add_person, make_case
from nestguard.risk.models import RiskAssessment
from nestguard.risk.tests.test_scoring import CCE, answers_totalling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
API_DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"


@pytest.fixture
def api(personas):  # type: ignore[no-untyped-def]
    """api("owner") → a client with that persona's bearer token."""

    def make(name: str) -> Client:
        user = personas.all()[name]
        _, token = api_token_create(actor=None, user=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def post(client: Client, url: str, body: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


def call(client: Client, method: str, url: str):  # type: ignore[no-untyped-def]
    if method == "get":
        return client.get(url)
    return client.post(url, data="{}", content_type="application/json")


def written() -> tuple[int, int, int]:
    return (
        RiskAssessment.objects.count(),
        Intervention.objects.count(),
        AuditEvent.objects.exclude(action__in=["case.view", "case.list"]).count(),
    )


def assessment_body(**changes: Any) -> dict[str, Any]:
    body = {"instrument": "cce_child", "stage": "initial", "answers": answers_totalling(CCE, 19)}
    body.update(changes)
    return body


def intervention() -> dict[str, str]:
    """An intervention starting on the UK day of the test's (frozen) instant."""
    return {"type": "safety_plan", "owner": "owner", "starts_on": str(timezone.localdate())}


CLOSE = {"outcomes": ["moved"], "resolution": "positively_resolved", "summary": "Moved away"}


def urls(case: Case) -> list[tuple[str, str]]:
    return [
        ("get", "/api/v1/cases/"),
        ("get", f"/api/v1/cases/{case.pk}/"),
        ("post", f"/api/v1/cases/{case.pk}/assessments/"),
        ("post", f"/api/v1/cases/{case.pk}/interventions/"),
        ("post", f"/api/v1/cases/{case.pk}/close/"),
    ]


# Authentication and roles --------------------------------------------------------------------


def test_every_endpoint_needs_a_valid_token(world):
    for method, url in urls(world.case):
        for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer ng_not-a-token"}):
            response = getattr(Client(), method)(url, **headers)
            assert response.status_code == 401, (method, url)
            assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("name", ["referrer", "auditor", "admin"])
def test_roles_without_casework_are_refused(world, api, name):
    client = api(name)
    for method, url in urls(world.case):
        response = call(client, method, url)
        assert response.status_code == 403, (name, method, url)


def test_the_outsider_gets_404_for_the_case_as_for_a_missing_one(world, api):
    client = api("outsider")
    owner = api("owner")
    before = written()
    for method, url in urls(world.case)[1:]:
        response = call(client, method, url)
        assert response.status_code == 404, (method, url)
    missing = owner.get(f"/api/v1/cases/{uuid.uuid4()}/")
    assert missing.status_code == 404
    assert written() == before
    assert client.get("/api/v1/cases/").json()["count"] == 0


@pytest.mark.parametrize("action", ["assessments", "close"])
@pytest.mark.parametrize("body", [{}, {"instrument": "<script>"}])
def test_a_partner_who_may_not_edit_gets_403_before_the_body_is_read(world, api, action, body):
    """The police see the case but do not edit it: they learn nothing from field errors."""
    partner = api("partner")
    before = written()
    response = post(partner, f"/api/v1/cases/{world.case.pk}/{action}/", body)
    assert response.status_code == 403
    assert written() == before


# Reading -------------------------------------------------------------------------------------


def test_list_and_detail(personas, world, api):
    hidden = make_case(personas.outsider)
    add_person(personas.owner, world.case, role="suspected_exploiter", given_name="Tee")
    body = api("owner").get("/api/v1/cases/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["reference"] == world.case.reference and row["status"] == "open"
    assert row["lead_agency"]["name"] == "Northbrook Exploitation Hub"
    assert row["lead_worker"]["username"] == "owner"
    assert {s["name"] for s in row["subjects"]} == {"Alex Testperson", "Tee Testperson"}
    assert str(hidden.pk) not in json.dumps(body)
    event = AuditEvent.objects.filter(action="case.list").latest("id")
    assert event.purpose == "partner_system" and event.details["shown"] == [world.case.reference]

    detail = api("partner").get(f"/api/v1/cases/{world.case.pk}/")
    assert detail.status_code == 200
    data = detail.json()
    assert data["team"]["agencies"][0]["name"] == "Northbrook Police"
    assert data["latest_assessment"] is None and data["interventions"] == []
    assert AuditEvent.objects.filter(action="case.view", object_id=str(world.case.pk)).exists()


def test_list_status_filter_and_paging(personas, world, api):
    other = make_case(personas.owner)
    case_status_change(actor=personas.owner, case=other, status="monitoring", reason="Quiet")
    client = api("owner")
    assert client.get("/api/v1/cases/?status=monitoring").json()["count"] == 1
    assert client.get("/api/v1/cases/?status=all").json()["count"] == 2
    assert client.get("/api/v1/cases/?status=closed").json()["count"] == 0
    page = client.get("/api/v1/cases/?limit=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]
    bad = client.get("/api/v1/cases/?status=sleeping")
    assert bad.status_code == 400 and "status" in bad.json()


# Assessments ---------------------------------------------------------------------------------


def test_an_assessment_is_recorded(personas, world, api):
    response = post(
        api("owner"),
        f"/api/v1/cases/{world.case.pk}/assessments/",
        assessment_body(judgement_adjustment=-1, judgement_reason="Protective family"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["assessment_score"], body["score"], body["band"]) == (19, 18, "low")
    assert body["trend"] == "first" and body["max_score"] == 54
    assert body["next_review_on"] == str(timezone.localdate() + timedelta(days=56))
    assert len(body["items"]) == 18 and sum(i["score"] for i in body["items"]) == 19
    world.case.refresh_from_db()
    assert world.case.risk_band == "low"
    again = post(
        api("owner"), f"/api/v1/cases/{world.case.pk}/assessments/", assessment_body(stage="review")
    )
    assert again.json()["trend"] == "increased" and again.json()["band"] == "medium"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"instrument", "stage", "answers"}),
        (assessment_body(instrument="dash"), {"instrument"}),
        (assessment_body(stage="midway"), {"stage"}),
        (assessment_body(answers="all low"), {"answers"}),
        (assessment_body(answers=[1, 2]), {"answers"}),
        (assessment_body(judgement_adjustment="lots"), {"judgement_adjustment"}),
        (assessment_body(judgement_adjustment=4), {"judgement_reason"}),
        (assessment_body(judgement_adjustment=40, judgement_reason="x"), {"judgement_adjustment"}),
        (assessment_body(person_id="not-a-uuid"), {"person_id"}),
        (assessment_body(person_id=str(uuid.uuid4())), {"person_id"}),
    ],
)
def test_bad_assessments_are_400_and_write_nothing(world, api, body, expected):
    client = api("owner")
    before = written()
    response = post(client, f"/api/v1/cases/{world.case.pk}/assessments/", body)
    assert response.status_code == 400
    assert set(response.json()) == expected
    assert written() == before


def test_unanswered_items_are_listed_under_answers(world, api):
    answers = answers_totalling(CCE, 10)
    del answers["education"]
    answers["phones_contact"] = "loads"
    answers["invented"] = "none"
    response = post(
        api("owner"),
        f"/api/v1/cases/{world.case.pk}/assessments/",
        assessment_body(answers=answers),
    )
    assert response.status_code == 400
    errors = response.json()["answers"]
    assert errors["education"] == ["Answer “School or college attendance and engagement”"]
    assert "phones_contact" in errors
    assert "invented" in errors["non_field_errors"][0]


def test_a_partner_may_not_assess(world, api):
    response = post(
        api("partner"), f"/api/v1/cases/{world.case.pk}/assessments/", assessment_body()
    )
    assert response.status_code == 403


def test_an_assessment_of_a_named_child(personas, world, api):
    child = add_person(
        personas.owner, world.case, role="person_at_risk", given_name="Kai", age_estimate=14
    )
    ok = post(
        api("owner"),
        f"/api/v1/cases/{world.case.pk}/assessments/",
        assessment_body(person_id=str(child.pk)),
    )
    assert ok.status_code == 201 and ok.json()["person_id"] == str(child.pk)
    adult = post(
        api("owner"),
        f"/api/v1/cases/{world.case.pk}/assessments/",
        assessment_body(person_id=str(world.victim.pk)),
    )
    assert adult.status_code == 400 and "for children" in adult.json()["person"][0]


# Interventions -------------------------------------------------------------------------------


def test_an_intervention_is_recorded(personas, world, api):
    response = post(
        api("owner"),
        f"/api/v1/cases/{world.case.pk}/interventions/",
        {
            **intervention(),
            "owner": "partner",
            "type": "cpw",
            "due_on": str(timezone.localdate() + timedelta(days=60)),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"]["username"] == "partner" and body["owner"]["agency"] == "Northbrook Police"
    assert (body["status"], body["type_label"]) == ("planned", "Community Protection Warning")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "telling_off"}, "type"),
        ({"owner": "nobody"}, "owner"),
        ({"owner": "outsider"}, "owner"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"starts_on": "next week"}, "starts_on"),
        ({"starts_on": "1899-01-01"}, "starts_on"),
        ({"due_on": "2000-01-01"}, "due_on"),
        ({"notes": "x" * 5001}, "notes"),
        ({"notes": 7}, "notes"),
    ],
)
def test_bad_interventions_are_400_and_write_nothing(world, api, changes, field):
    client = api("owner")
    before = written()
    body = {**intervention(), **changes}
    if field == "notes" and changes["notes"] == 7:
        body["notes"] = ["not", "text"]
    response = post(client, f"/api/v1/cases/{world.case.pk}/interventions/", body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert written() == before


def test_a_partner_records_interventions_they_own(personas, world, api):
    client = api("partner")
    url = f"/api/v1/cases/{world.case.pk}/interventions/"
    assert post(client, url, {**intervention(), "owner": "partner"}).status_code == 201
    refused = post(client, url, intervention())
    assert refused.status_code == 400
    assert refused.json() == {
        "owner": ["Partner agencies record interventions they own themselves"]
    }


# Closing -------------------------------------------------------------------------------------


def test_a_case_is_closed(world, api):
    response = post(api("owner"), f"/api/v1/cases/{world.case.pk}/close/", CLOSE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed" and body["outcomes"] == ["moved"]
    assert body["resolution"] == "positively_resolved" and body["closing_summary"] == "Moved away"
    again = post(api("owner"), f"/api/v1/cases/{world.case.pk}/close/", CLOSE)
    assert again.status_code == 400 and "already closed" in again.json()["case"][0]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcomes": []}, "outcomes"),
        ({"outcomes": "moved"}, "outcomes"),
        ({"outcomes": ["moved", "vanished"]}, "outcomes"),
        ({"resolution": "fine"}, "resolution"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 5001}, "summary"),
    ],
)
def test_bad_closes_are_400_and_close_nothing(world, api, changes, field):
    response = post(api("owner"), f"/api/v1/cases/{world.case.pk}/close/", {**CLOSE, **changes})
    assert response.status_code == 400
    assert field in response.json()
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN


def test_closing_names_open_interventions_unless_told_to_cancel_them(personas, world, api):
    intervention_add(
        actor=personas.owner,
        case=world.case,
        type="warning",
        owner=personas.owner,
        starts_on=timezone.localdate(),
    )
    url = f"/api/v1/cases/{world.case.pk}/close/"
    refused = post(api("owner"), url, CLOSE)
    assert refused.status_code == 400
    assert "Warning to a perpetrator" in refused.json()["interventions"][0]
    done = post(api("owner"), url, {**CLOSE, "cancel_open_interventions": True})
    assert done.status_code == 200
    assert done.json()["interventions"][0]["status"] == "cancelled"


def test_a_partner_may_not_close(world, api):
    assert post(api("partner"), f"/api/v1/cases/{world.case.pk}/close/", CLOSE).status_code == 403


# The documented examples ---------------------------------------------------------------------

_SECTION = re.compile(
    r"<!-- section: cases \(owner: cases and risk\) -->(.*?)<!-- section:", re.DOTALL
)
_POST = re.compile(
    r"^### POST (/api/v1/cases/\{id\}/[a-z]+/)\n(.*?)```json\n(.*?)\n```", re.DOTALL | re.MULTILINE
)


def documented_examples() -> list[tuple[str, str]]:
    section = _SECTION.search(API_DOC.read_text(encoding="utf-8"))
    assert section, "docs/api.md has no cases section"
    return [(m.group(1), m.group(3)) for m in _POST.finditer(section.group(1))]


def test_the_case_posts_are_documented():
    assert [path for path, _ in documented_examples()] == [
        "/api/v1/cases/{id}/notes/",
        "/api/v1/cases/{id}/assessments/",
        "/api/v1/cases/{id}/interventions/",
        "/api/v1/cases/{id}/close/",
    ]


def test_the_documented_examples_work_as_written(personas):
    """The demo's hub caseworker, on a hub case with an open intervention (as demo cases have)."""
    worker = UserFactory(username="hub.caseworker", agency=personas.hub, roles=["caseworker"])
    case = make_case(worker)
    add_person(worker, case, given_name="Jordan", family_name="Example", age_estimate=14)
    intervention_add(
        actor=worker,
        case=case,
        type="wraparound_support",
        owner=worker,
        starts_on=timezone.localdate() - timedelta(days=20),
    )
    _, token = api_token_create(actor=None, user=worker)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for path, body in documented_examples():
        response = client.post(
            path.replace("{id}", str(case.pk)), data=body, content_type="application/json"
        )
        assert response.status_code in (200, 201), (path, response.content[:500])
    case.refresh_from_db()
    assert case.status == "closed" and case.risk_band == "medium"
