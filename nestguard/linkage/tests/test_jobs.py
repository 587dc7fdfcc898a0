"""Linkage runs go on the job queue (linkage.run): the page's `launch` queues one for the
worker instead of starting a process of its own."""

from __future__ import annotations

import pytest

from nestguard.jobs.models import JobRun, JobStatus
from nestguard.jobs.worker import drain
from nestguard.linkage.models import LinkageRun
from nestguard.linkage.services.runs import launch, linkage_run_start

pytestmark = pytest.mark.django_db


def test_a_started_run_is_queued_as_a_job_by_whoever_started_it(personas, settings) -> None:  # type: ignore[no-untyped-def]
    del settings.NESTGUARD_LINKAGE_RUNNER  # the default: the queue
    run = linkage_run_start(actor=personas.admin)
    launch(run)
    job = JobRun.objects.get(name="linkage.run")
    assert job.kwargs == {"run_id": str(run.pk)}
    assert job.started_by == personas.admin
    assert LinkageRun.objects.get(pk=run.pk).status == LinkageRun.Status.QUEUED


def test_a_run_that_has_already_finished_is_not_run_again(personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_LINKAGE_RUNNER = "queue"
    run = linkage_run_start(actor=personas.admin)
    launch(run)
    LinkageRun.objects.filter(pk=run.pk).update(status=LinkageRun.Status.SUCCEEDED)
    assert drain() == 1
    job = JobRun.objects.get(name="linkage.run")
    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert job.failure_reason == "The linkage run is already finished."
