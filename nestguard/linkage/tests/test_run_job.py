"""The linkage run as a job of the queue: the page's start queues it for the worker, a run
that fails says why on the job, and the retry is a fresh run (decisions 80 and 87). Killing
the worker mid-run is tests/test_faults_kill.py."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from nestguard.jobs.models import JobRun, JobStatus
from nestguard.jobs.worker import work_once
from nestguard.linkage.models import LinkageRun
from nestguard.linkage.services.records import source_record_create
from nestguard.linkage.services.runs import launch, linkage_run_start
from nestguard.linkage.tests.people import seed_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def senders(personas):  # type: ignore[no-untyped-def]
    return [
        UserFactory(username=f"sender.{key}", agency=agency, roles=["linkage_reviewer"])
        for key, agency in (("hub", personas.hub), ("police", personas.police))
    ]


def test_a_run_started_in_job_mode_is_done_by_the_worker(senders, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_LINKAGE_RUNNER = "job"
    seed_records(senders, people=8, singles=10)
    run = linkage_run_start(actor=senders[0], retrain=True)
    launch(run)
    job = JobRun.objects.get(name="linkage.run")
    assert job.kwargs == {"run_id": str(run.pk)} and job.started_by == senders[0]
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.QUEUED  # nothing ran in the request

    assert work_once()
    job.refresh_from_db()
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.SUCCEEDED
    assert job.status == JobStatus.SUCCEEDED
    assert job.summary.startswith(f"Linkage run {run.pk} finished: ")


def test_a_failed_run_fails_the_attempt_with_its_reason_and_the_retry_is_a_new_run(  # type: ignore[no-untyped-def]
    senders, settings
) -> None:
    settings.NESTGUARD_LINKAGE_RUNNER = "job"
    source_record_create(
        actor=senders[0], system="S", values={"record_id": "1", "given_name": "Ann"}
    )
    first = linkage_run_start(actor=senders[0], retrain=True)  # one record cannot train
    launch(first)
    assert work_once()
    job = JobRun.objects.get(name="linkage.run")
    first.refresh_from_db()
    assert first.status == LinkageRun.Status.FAILED
    assert job.status == JobStatus.RETRYING
    assert job.failure_reason == (
        f"Linkage run {first.pk} failed: ValueError: training needs at least two records"
    )

    source_record_create(
        actor=senders[1], system="T", values={"record_id": "2", "given_name": "Ann"}
    )
    seed_records(senders, people=8, singles=10)
    DBTaskResult.objects.filter(pk=job.task_result_id).update(run_after=timezone.now())
    assert work_once()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    second = LinkageRun.objects.exclude(pk=first.pk).get()
    assert second.status == LinkageRun.Status.SUCCEEDED
    assert second.retrain and second.started_by == senders[0]
