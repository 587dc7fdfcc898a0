"""The jobs pages: administrators see every run and start the jobs marked for it by hand;
a linkage reviewer sees only the runs they started; nobody else opens the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import sign_in
from nestguard.audit.models import AuditEvent
from nestguard.jobs import enqueue
from nestguard.jobs.models import JobRun, JobStatus
from nestguard.jobs.worker import drain
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(personas):  # type: ignore[no-untyped-def]
    return UserFactory(username="reviewer", agency=personas.hub, roles=["linkage_reviewer"])


def test_an_administrator_sees_every_run_with_its_progress_and_reason(  # type: ignore[no-untyped-def]
    client_for, personas, reviewer
) -> None:
    counted = enqueue("selftest.count", started_by=reviewer, to=2)
    broken = enqueue("selftest.broken")
    JobRun.objects.filter(pk=broken.pk).update(max_attempts=1)
    drain()
    page = client_for("admin").get(reverse("jobs:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Count to a number" in html and str(reviewer) in html
    assert "100% (2 of 2)" in html
    assert "selftest.broken" in html  # no title: shown by name
    assert "The job stopped with an unexpected error (ValueError)" in html
    assert "Traceback" not in html
    assert "Start the job" in html
    detail = client_for("admin").get(reverse("jobs:detail", args=[counted.pk]))
    assert detail.status_code == 200
    assert "Counted to 2" in detail.content.decode()


def test_a_linkage_reviewer_sees_only_the_runs_they_started(client_for, personas, reviewer) -> None:  # type: ignore[no-untyped-def]
    own = enqueue("selftest.count", started_by=reviewer)
    other = enqueue("selftest.count", started_by=personas.admin)
    client = sign_in(client_for("admin").__class__(), reviewer)
    html = client.get(reverse("jobs:list")).content.decode()
    assert reverse("jobs:detail", args=[own.pk]) in html
    assert reverse("jobs:detail", args=[other.pk]) not in html
    assert "Start the job" not in html
    assert client.get(reverse("jobs:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("jobs:detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("jobs:start"), {"name": "selftest.count"}).status_code == 403
    assert JobRun.objects.count() == 2


@pytest.mark.parametrize("persona", ["owner", "auditor", "referrer"])
def test_other_roles_do_not_open_the_jobs_pages(client_for, persona) -> None:  # type: ignore[no-untyped-def]
    run = enqueue("selftest.count")
    client = client_for(persona)
    assert client.get(reverse("jobs:list")).status_code == 403
    assert client.get(reverse("jobs:detail", args=[run.pk])).status_code == 403


def test_an_administrator_starts_a_job_by_hand_and_it_is_audited(client_for, personas) -> None:  # type: ignore[no-untyped-def]
    client = client_for("admin")
    response = client.post(reverse("jobs:start"), {"name": "selftest.count"})
    run = JobRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[run.pk])
    assert (run.name, run.started_by, run.status) == ("selftest.count", personas.admin, "queued")
    event = AuditEvent.objects.get(action="job.start")
    assert event.object_id == str(run.pk) and event.actor_id == personas.admin.pk
    drain()
    assert JobRun.objects.get().status == JobStatus.SUCCEEDED


@pytest.mark.parametrize("name", ["", "selftest.flaky", "selftest.no_such_job"])
def test_only_jobs_marked_manual_can_be_started_by_hand(client_for, name) -> None:  # type: ignore[no-untyped-def]
    response = client_for("admin").post(reverse("jobs:start"), {"name": name})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert not JobRun.objects.exists()
    assert not AuditEvent.objects.filter(action="job.start").exists()


def test_the_list_pages_by_keyset(client_for, settings) -> None:  # type: ignore[no-untyped-def]
    from nestguard.jobs import selectors

    selectors.PAGE_SIZE, saved = 2, selectors.PAGE_SIZE
    try:
        runs = [enqueue("selftest.count", to=n) for n in range(5)]
        client = client_for("admin")
        seen: list[str] = []
        url = reverse("jobs:list")
        for _ in range(5):
            response = client.get(url)
            page, next_key = response.context["runs"], response.context["next_key"]
            seen += [str(run.pk) for run in page]
            if not next_key:
                break
            url = f"{reverse('jobs:list')}?before={next_key}"
        assert seen == [str(run.pk) for run in reversed(runs)]
    finally:
        selectors.PAGE_SIZE = saved
