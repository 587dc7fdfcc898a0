"""The panels API: the same services and rules as the pages; 400 with field errors and
nothing written, 401 without a token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.panels.models import Action
from nestguard.panels.services.actions import action_record

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _, token = api_token_create(actor=None, user=user)
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_without_a_token_every_endpoint_answers_401(panel_world) -> None:
    meeting = panel_world.meeting.pk
    for method, path in (
        ("get", "/api/v1/panels/"),
        ("get", f"/api/v1/meetings/{meeting}/agenda/"),
        ("post", f"/api/v1/meetings/{meeting}/actions/"),
        ("post", f"/api/v1/actions/{meeting}/"),
    ):
        assert getattr(Client(), method)(path).status_code == 401, path


def test_the_chair_lists_panels_and_reads_the_agenda(panel_world) -> None:
    client = api(panel_world.chair)
    panels = client.get("/api/v1/panels/").json()["results"]
    assert [p["name"] for p in panels] == ["Northbrook MACEMM"]
    assert panels[0]["cadence_days"] == 28
    assert {m["agency"]["name"] for m in panels[0]["members"]} == {
        "Northbrook Exploitation Hub", "Northbrook Police",
    }  # fmt: skip
    agenda = client.get(f"/api/v1/meetings/{panel_world.meeting.pk}/agenda/").json()
    assert agenda["items"][0]["case"] == panel_world.case.reference
    assert agenda["items"][0]["number"] == 1
    assert AuditEvent.objects.filter(action="meeting.view", purpose="partner_system").exists()


def test_the_chair_records_an_action_on_an_item_by_its_number(personas, panel_world) -> None:
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = api(panel_world.chair).post(
        f"/api/v1/meetings/{panel_world.meeting.pk}/actions/",
        {"description": "Disruption visit", "owner": "partner", "due_on": due, "item": 1},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_agency"]["name"] == "Northbrook Police"
    assert body["item"] == str(panel_world.meeting.items.get().pk)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "description"),
        ({"description": "x", "due_on": "2026-02-30", "owner": "partner"}, "due_on"),
        ({"description": "x", "due_on": "tomorrow", "owner": "partner"}, "due_on"),
        ({"description": "x", "due_on": "2099-01-01", "owner": "partner"}, "due_on"),
        ({"description": "x", "due_on": "2001-01-01", "owner": "partner"}, "due_on"),
        ({"description": "x" * 2001, "due_on": "2030-01-01", "owner": "partner"}, "description"),
        ({"description": "x", "due_on": "DUE", "owner": "nobody"}, "owner"),
        ({"description": "x", "due_on": "DUE"}, "owner_agency"),
        ({"description": "x", "due_on": "DUE", "owner_agency": "not-a-uuid"}, "owner_agency"),
        ({"description": "x", "due_on": "DUE", "owner": "partner", "item": 9}, "item"),
        ({"description": "x", "due_on": "DUE", "owner": "partner", "item": 0}, "item"),
        ({"description": "x", "due_on": "DUE", "owner": "partner", "item": "first"}, "item"),
        ({"description": ["x"], "due_on": "DUE", "owner": "partner"}, "description"),
        ({"description": "x", "due_on": "DUE", "owner": "outsider"}, "owner_agency"),
    ],
)
def test_bad_actions_are_400_with_field_errors(panel_world, body, field) -> None:
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    body = {k: (due if v == "DUE" else v) for k, v in body.items()}
    before = AuditEvent.objects.count()
    response = api(panel_world.chair).post(
        f"/api/v1/meetings/{panel_world.meeting.pk}/actions/", body,
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Action.objects.exists()
    # The token's own creation, and the door's record that the chair read the meeting.
    assert AuditEvent.objects.count() == before + 2
    assert AuditEvent.objects.order_by("-id").first().action == "meeting.view"


def test_the_owner_completes_an_action_and_bad_updates_are_400(personas, panel_world) -> None:
    action = action_record(
        actor=panel_world.chair, meeting=panel_world.meeting, description="Visit",
        owner_agency=personas.hub, owner=personas.owner, due_on=timezone.localdate(),
    )  # fmt: skip
    client = api(personas.owner)
    url = f"/api/v1/actions/{action.pk}/"
    for body, field in (
        ({"status": "done"}, "status"),
        ({"status": "completed"}, "completed_on"),
        ({"status": "open"}, "status"),
        ({"status": "open", "reason": "because"}, "reason"),
        ({"status": "not_possible"}, "reason"),
        ({"status": "completed", "completed_on": "2026-13-01"}, "completed_on"),
    ):
        response = client.post(url, {**body, "version": 1}, content_type="application/json")
        assert response.status_code == 400 and field in response.json(), (body, response.json())
    today = timezone.localdate().isoformat()
    response = client.post(
        url,
        {"status": "completed", "completed_on": today, "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert api(personas.outsider).post(url, {}, content_type="application/json").status_code == 404


def test_the_panel_list_queries_do_not_grow(panel_world, django_assert_max_num_queries) -> None:
    from nestguard.panels.services.meetings import meeting_schedule
    from nestguard.panels.services.panels import panel_create

    client = api(panel_world.chair)
    with django_assert_max_num_queries(30) as few:
        client.get("/api/v1/panels/")
    for n in range(6):
        panel = panel_create(actor=panel_world.chair, name=f"Panel {n}", meeting_type="iom")
        meeting_schedule(actor=panel_world.chair, panel=panel, meets_on=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/panels/").json()["count"] == 7
