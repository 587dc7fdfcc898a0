"""Two people changing one case: the second save, made from the version both started with,
is refused with what changed, by whom and when; nothing of it is written, not even its
audit event (docs/decisions/0084-optimistic-concurrency.md)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from nestguard.accounts.models import Agency
from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.audit.tests.test_migration import (  # noqa: F401 (fixtures)
    triggers_back_after_flush,
    triggers_off_for_flush,
)
from nestguard.cases.models import (
    Case,
    CaseStatus,
    ChronologyEntry,
    Intervention,
    InterventionStatus,
)
from nestguard.cases.services.closing import case_close
from nestguard.cases.services.interventions import intervention_add, intervention_update
from nestguard.cases.services.work import case_lead_change, case_status_change
from nestguard.cases.tests.conftest import make_case
from nestguard.core.models import Revision
from nestguard.core.versioning import ConflictError
from tests.conflicts import error_summary, form_version
from tests.factories import UserFactory

CLOSE = {"outcomes": ["moved"], "resolution": "positively_resolved", "summary": "Moved to safety"}


def written(case: Case) -> tuple[int, int, int]:
    return (
        AuditEvent.objects.exclude(action__in=["case.view", "case.list"]).count(),
        ChronologyEntry.objects.filter(case=case).count(),
        Revision.objects.filter(record_id=case.pk).count(),
    )


@pytest.mark.django_db
def test_a_save_from_an_old_version_is_refused_and_writes_nothing(personas, world):
    case = world.case
    assert case.version == 1
    case_status_change(
        actor=personas.supervisor,
        case=Case.objects.get(pk=case.pk),
        status="monitoring",
        reason="Support in place",
        expected_version=1,
    )
    before = written(case)
    mine = Case.objects.get(pk=case.pk)
    with pytest.raises(ConflictError) as refused:
        case_status_change(
            actor=personas.owner, case=mine, status="monitoring", reason="Mine", expected_version=1
        )
    conflict = refused.value
    assert written(case) == before  # no audit event, no chronology entry, no revision
    stored = Case.objects.get(pk=case.pk)
    assert (stored.version, stored.status) == (2, CaseStatus.MONITORING)
    assert conflict.current_version == 2 and conflict.expected_version == 1
    assert conflict.changed_by == str(personas.supervisor)
    assert conflict.headline.startswith(f"This case was changed by {personas.supervisor} at ")
    assert conflict.headline.endswith("while you were editing. Your changes have not been saved.")
    assert [(c.label, c.old, c.new) for c in conflict.changes] == [("Status", "Open", "Monitoring")]
    # The stale check comes before the service's own rules: "already monitoring" would
    # hide from the person that someone else made the change.
    assert "already" not in " ".join(conflict.messages)


@pytest.mark.django_db
def test_the_conflict_lists_every_change_since_the_version_and_withholds_free_text(personas, world):
    case = world.case
    other = UserFactory(username="other", agency=personas.hub, roles=["caseworker"])
    case_lead_change(actor=personas.owner, case=case, lead_worker=other, expected_version=1)
    case_close(actor=other, case=case, **CLOSE, expected_version=2)
    with pytest.raises(ConflictError) as refused:
        case_status_change(
            actor=personas.owner,
            case=Case.objects.get(pk=case.pk),
            status="monitoring",
            reason="Late",
            expected_version=1,
        )
    changes = {c.field: (c.old, c.new) for c in refused.value.changes}
    assert changes["lead_worker"] == (str(personas.owner), str(other))
    assert changes["status"] == ("Open", "Closed")
    assert changes["outcomes"] == (
        "not set",
        "Moved to another property or borough",
    )  # the code list's label
    assert changes["closing_summary"] == (None, None)  # free text: that it changed, not what
    assert refused.value.changed_by == str(other)  # the latest change's author
    assert "Closing summary was changed." in refused.value.messages


@pytest.mark.django_db
def test_without_a_version_the_service_checks_the_one_it_loaded(personas, world):
    """Commands and the demo pass no version: a change since the record was loaded is still
    caught by the conditional UPDATE."""
    loaded = Case.objects.get(pk=world.case.pk)
    case_status_change(
        actor=personas.supervisor,
        case=Case.objects.get(pk=world.case.pk),
        status="monitoring",
        reason="First",
    )
    with pytest.raises(ConflictError):
        case_close(actor=personas.owner, case=loaded, **CLOSE)
    assert Case.objects.get(pk=world.case.pk).status == CaseStatus.MONITORING


@pytest.mark.django_db
def test_an_intervention_updated_meanwhile_is_neither_overwritten_nor_cancelled_over(
    personas, world
):
    intervention = intervention_add(
        actor=personas.owner,
        case=world.case,
        type="target_hardening",
        owner=personas.owner,
        starts_on=timezone.localdate(),
    )
    read_by_both = Intervention.objects.get(pk=intervention.pk)
    intervention_update(
        actor=personas.owner,
        intervention=Intervention.objects.get(pk=intervention.pk),
        status="in_progress",
        expected_version=1,
    )
    with pytest.raises(ConflictError) as refused:
        intervention_update(
            actor=personas.supervisor,
            intervention=read_by_both,
            status="completed",
            completed_on=timezone.localdate(),
            expected_version=1,
        )
    assert [(c.old, c.new) for c in refused.value.changes] == [("Planned", "In progress")]
    stored = Intervention.objects.get(pk=intervention.pk)
    assert (stored.status, stored.version) == (InterventionStatus.IN_PROGRESS, 2)


# ---------------------------------------------------------------------------------------------
# Pages


@pytest.mark.django_db
def test_the_page_shows_the_conflict_in_the_error_summary_and_keeps_what_was_typed(
    personas, world, client_for
):
    url = f"/cases/{world.case.pk}/status/"
    mine, theirs = client_for("owner"), client_for("supervisor")
    assert form_version(mine.get(url)) == form_version(theirs.get(url)) == "1"
    done = theirs.post(url, {"status": "monitoring", "reason": "Theirs", "version": "1"})
    assert done.status_code == 302

    refused = mine.post(
        url, {"status": "monitoring", "reason": "My careful reasons", "version": "1"}
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    summary = error_summary(refused)
    assert f"This case was changed by {personas.supervisor} at" in summary
    assert "Your changes have not been saved." in summary
    assert "Status was Open; it is now Monitoring." in summary
    assert "My careful reasons" in page  # nothing typed is lost
    assert form_version(refused) == "2"  # saving again, having seen the change, is deliberate
    assert Case.objects.get(pk=world.case.pk).version == 2
    assert not AuditEvent.objects.filter(action="case.status_change", actor=personas.owner)

    again = mine.post(url, {"status": "open", "reason": "My careful reasons", "version": "2"})
    assert again.status_code == 302
    assert Case.objects.get(pk=world.case.pk).status == CaseStatus.OPEN


# ---------------------------------------------------------------------------------------------
# API


@pytest.fixture
def api(personas):  # type: ignore[no-untyped-def]
    def make(name: str) -> Client:
        _, token = api_token_create(actor=None, user=personas.all()[name])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


@pytest.mark.django_db
def test_the_api_reads_the_version_and_answers_409_to_a_stale_close(personas, world, api):
    url = f"/api/v1/cases/{world.case.pk}/"
    owner = api("owner")
    assert owner.get(url).json()["version"] == 1
    case_status_change(
        actor=personas.supervisor, case=world.case, status="monitoring", reason="Theirs"
    )
    before = written(world.case)
    response = owner.post(
        f"{url}close/", data=json.dumps({**CLOSE, "version": 1}), content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict" and body["version"] == 2 and body["your_version"] == 1
    assert body["changed_by"] == str(personas.supervisor)
    assert body["changes"] == [
        {"field": "status", "label": "Status", "old": "Open", "new": "Monitoring"}
    ]
    assert body["detail"].endswith("Your changes have not been saved.")
    assert written(world.case) == before
    ok = owner.post(
        f"{url}close/", data=json.dumps({**CLOSE, "version": 2}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["version"] == 3


# ---------------------------------------------------------------------------------------------
# Two saves at once, each on its own database connection


def test_of_two_simultaneous_saves_from_one_version_exactly_one_is_written(
    triggers_back_after_flush: None,  # noqa: F811
    triggers_off_for_flush: None,  # noqa: F811
    django_db_blocker: Any,
) -> None:
    """On PostgreSQL: two threads, two connections, both past the barrier together. (The
    SQLite test database is in memory with a shared cache, where a second writer fails at
    once with "table is locked" rather than waiting; the browser test
    tests/e2e/test_concurrent_edits.py runs two clients at once on an SQLite file.)"""
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database takes one writer at a time")
    hub = Agency.objects.create(name="Northbrook Exploitation Hub", type="community_safety")
    workers = [UserFactory(username=f"worker{n}", agency=hub, roles=["caseworker"]) for n in (1, 2)]
    case = make_case(workers[0])
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(worker: Any, status: str) -> None:
        try:
            mine = Case.objects.get(pk=case.pk)
            start.wait(timeout=10)
            case_status_change(
                actor=worker, case=mine, status=status, reason="At once", expected_version=1
            )
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(workers[0], "monitoring")),
        threading.Thread(target=save, args=(workers[1], "monitoring")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "saved"]
    assert Case.objects.get(pk=case.pk).version == 2
    assert AuditEvent.objects.filter(action="case.status_change").count() == 1
    assert Revision.objects.filter(record_id=case.pk).count() == 1
