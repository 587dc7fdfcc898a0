"""An action updated by its owner and the chair at once: the second update, made from the
version both started with, is refused with what changed; the API needs the version
(docs/decisions/0084-optimistic-concurrency.md)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.core.versioning import ConflictError
from nestguard.panels.models import Action, ActionStatus
from nestguard.panels.services.actions import action_record, action_update
from tests.conflicts import error_summary, form_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(panel_world, personas) -> Action:
    return action_record(
        actor=panel_world.chair,
        meeting=panel_world.meeting,
        description="Offer a return home interview",
        owner_agency=personas.hub,
        owner=personas.owner,
        due_on=timezone.localdate() + timedelta(days=7),
    )


def updates() -> int:
    return AuditEvent.objects.filter(action="action.update").count()


def test_a_stale_update_is_refused_and_writes_nothing(panel_world, personas, action):
    action_update(
        actor=panel_world.chair,
        action=Action.objects.get(pk=action.pk),
        status="in_progress",
        note="Chair's note",
        expected_version=1,
    )
    with pytest.raises(ConflictError) as refused:
        action_update(
            actor=personas.owner,
            action=Action.objects.get(pk=action.pk),
            status="completed",
            completed_on=timezone.localdate(),
            expected_version=1,
        )
    assert updates() == 1
    stored = Action.objects.get(pk=action.pk)
    assert (stored.status, stored.version) == (ActionStatus.IN_PROGRESS, 2)
    assert [(c.label, c.old, c.new) for c in refused.value.changes] == [
        ("Status", "Not started", "In progress"),
        ("Note", None, None),
    ]
    assert refused.value.changed_by == str(panel_world.chair)


def test_the_update_page_shows_the_conflict_and_keeps_the_note(panel_world, personas, action):
    url = f"/panels/actions/{action.pk}/update/"
    owner = sign_in(Client(), personas.owner)
    chair = sign_in(Client(), panel_world.chair)
    assert form_version(owner.get(url)) == form_version(chair.get(url)) == "1"
    assert chair.post(url, {"status": "in_progress", "version": "1"}).status_code == 302
    refused = owner.post(url, {"status": "open", "note": "Parent asked to wait", "version": "1"})
    summary = error_summary(refused)
    assert f"This action was changed by {panel_world.chair} at" in summary
    assert "Status was Not started; it is now In progress." in summary
    assert "Parent asked to wait" in refused.content.decode()
    assert form_version(refused) == "2"
    assert Action.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS


def test_the_api_needs_the_version_and_answers_409_to_an_old_one(panel_world, personas, action):
    _, token = api_token_create(actor=None, user=personas.owner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/actions/{action.pk}/"

    def post(body: dict) -> object:
        return api.post(url, data=json.dumps(body), content_type="application/json")

    _, chair_token = api_token_create(actor=None, user=panel_world.chair)
    chair = Client(HTTP_AUTHORIZATION=f"Bearer {chair_token}")
    agenda = chair.get(f"/api/v1/meetings/{panel_world.meeting.pk}/agenda/").json()
    assert [a["version"] for a in agenda["actions"]] == [1]
    missing = post({"status": "in_progress"})
    assert missing.status_code == 400 and "version" in missing.json()
    assert post({"status": "in_progress", "version": 1}).json()["version"] == 2
    before = updates()
    stale = post({"status": "open", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["changes"] == [
        {"field": "status", "label": "Status", "old": "Not started", "new": "In progress"}
    ]
    assert updates() == before
