"""The queue's API on the project's database (SQLite and PostgreSQL): enqueue a job, run it
through the worker's own claim-and-run step, and read what admins see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from nestguard.jobs import JobProgress, enqueue, enqueue_once, job, registry
from nestguard.jobs.models import JobRun, JobStatus
from nestguard.jobs.services import retry_delay, runs_recover_lost
from nestguard.jobs.worker import claim, drain, work_once

pytestmark = pytest.mark.django_db


def _due_now(run: JobRun) -> None:
    """Bring a retry's attempt forward instead of waiting out its backoff."""
    DBTaskResult.objects.filter(pk=run.task_result_id).update(run_after=timezone.now())


def test_a_queued_job_runs_once_and_reports_progress_and_summary(personas) -> None:  # type: ignore[no-untyped-def]
    run = enqueue("selftest.count", started_by=personas.admin, to=4)
    assert run.status == JobStatus.QUEUED
    assert run.kwargs == {"to": 4}
    assert run.started_by == personas.admin
    assert run.task_result is not None and run.task_result.status == TaskResultStatus.READY

    assert drain() == 1
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED
    assert run.summary == "Counted to 4"
    assert (run.progress_done, run.progress_total, run.progress_message) == (4, 4, "Counted 4")
    assert run.attempts == 1
    assert run.started_at is not None and run.finished_at is not None
    assert run.started_at <= run.finished_at
    assert run.failure_reason == ""
    task_result = DBTaskResult.objects.get(pk=run.task_result_id)
    assert task_result.status == TaskResultStatus.SUCCESSFUL
    assert task_result.return_value == "Counted to 4"
    assert drain() == 0  # nothing runs twice


def test_a_failing_job_is_retried_with_backoff_then_succeeds() -> None:
    run = enqueue("selftest.flaky", failures=2)
    assert run.max_attempts == 3
    assert work_once()
    run.refresh_from_db()
    assert run.status == JobStatus.RETRYING
    assert run.failure_reason == "Attempt 1 was told to fail."
    first_wait = run.next_attempt_at - timezone.now()
    assert timedelta(0) < first_wait <= retry_delay(1)
    assert not work_once(), "the retry waits for its backoff"

    _due_now(run)
    assert work_once()
    run.refresh_from_db()
    assert run.status == JobStatus.RETRYING and run.attempts == 2
    assert run.next_attempt_at - timezone.now() > first_wait, "the second wait is longer"

    _due_now(run)
    assert work_once()
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED
    assert run.summary == "Succeeded at attempt 3"
    assert run.attempts == 3
    assert run.failure_reason == ""
    # One django-tasks result per attempt: two failed, one successful.
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "FAILED", "SUCCESSFUL"]


def test_backoff_doubles_up_to_its_cap(settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_JOBS_RETRY_BASE_SECONDS = 30
    settings.NESTGUARD_JOBS_RETRY_MAX_SECONDS = 100
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_after_its_last_attempt_a_run_fails_with_a_plain_reason() -> None:
    run = enqueue("selftest.broken")
    assert work_once()
    _due_now(JobRun.objects.get(pk=run.pk))
    assert work_once()
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED
    assert run.attempts == 2 == run.max_attempts
    assert run.failure_reason == (
        "The job stopped with an unexpected error (ValueError); the worker's log has the details."
    )
    assert "header row" not in run.failure_reason, "a message that may quote data is not shown"
    assert "Traceback" not in run.failure_reason
    # The trace is kept with the attempt (and logged), not shown on the run.
    assert "Traceback" in DBTaskResult.objects.get(pk=run.task_result_id).traceback
    assert not work_once()


def test_a_run_whose_worker_stopped_sending_heartbeats_is_tried_again(settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_JOBS_HEARTBEAT_TIMEOUT_SECONDS = 60
    run = enqueue("selftest.flaky", failures=0)
    attempt = claim(worker_id="dead-worker")  # claimed, then the worker died
    assert attempt is not None
    run.refresh_from_db()
    assert run.status == JobStatus.RUNNING and run.worker_id == "dead-worker"

    assert runs_recover_lost() == 0, "a fresh heartbeat is not lost"
    assert runs_recover_lost(now=timezone.now() + timedelta(seconds=61)) == 1
    run.refresh_from_db()
    assert run.status == JobStatus.RETRYING
    assert "worker running this job stopped" in run.failure_reason
    attempt.refresh_from_db()
    assert attempt.status == TaskResultStatus.FAILED

    _due_now(run)
    assert work_once()
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED and run.attempts == 2


def test_a_job_queued_in_a_transaction_that_rolls_back_never_runs() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("selftest.count")
        raise RuntimeError("the request failed")
    assert not JobRun.objects.exists()
    assert not work_once()


def test_enqueue_refuses_unknown_jobs_and_arguments_that_are_not_json() -> None:
    with pytest.raises(LookupError):
        enqueue("selftest.no_such_job")
    with pytest.raises(TypeError):
        enqueue("selftest.count", to=object())
    assert not JobRun.objects.exists()


def test_job_names_are_app_dot_name_and_unique() -> None:
    with pytest.raises(ValueError):
        job(name="NoDot")

    def other(progress: JobProgress) -> str:
        return ""

    with pytest.raises(ValueError):
        job(name="selftest.count")(other)
    assert registry.get("selftest.count").title == "Count to a number"


def test_progress_of_a_job_called_directly_is_not_written() -> None:
    progress = JobProgress()
    progress.update(done=5, total=10, message="half")
    assert progress.percent == 50


def test_enqueue_once_reuses_a_waiting_run_with_the_same_arguments() -> None:
    first = enqueue_once("selftest.count", to=2)
    assert enqueue_once("selftest.count", to=2) == first
    other = enqueue_once("selftest.count", to=3)
    assert other != first
    assert JobRun.objects.count() == 2
    drain()
    assert enqueue_once("selftest.count", to=2) != first, "a finished run is not reused"


def test_enqueue_once_finds_the_waiting_run_among_many_by_its_key_alone() -> None:
    """Hundreds of waiting runs with other arguments (reports asked for new periods, decision
    0112): one read by the hash of the name and arguments (decision 0142), whatever the
    arguments' order; arguments that differ only inside an object are told apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nestguard.jobs.services import dedupe_key

    def terms(n: int) -> dict[str, object]:
        return {"from": f"2026-01-{n:02d}", "to": "2026-03-31", "ward": "", "agency": None}

    runs = [enqueue("selftest.count", to=2, terms=terms(n), by="a") for n in range(1, 29)]
    assert len({run.dedupe_key for run in runs}) == 28
    with CaptureQueriesContext(connection) as context:
        reordered = dict(reversed(list(terms(17).items())))
        assert enqueue_once("selftest.count", by="a", terms=reordered, to=2) == runs[16]
    (read,) = [q for q in context.captured_queries if "jobs_jobrun" in q["sql"]]
    assert dedupe_key("selftest.count", {"to": 2, "terms": terms(17), "by": "a"}) in read["sql"]
    assert "json" not in read["sql"].lower() and "->" not in read["sql"]
    assert enqueue_once("selftest.count", to=2, terms=terms(17), by="b") not in runs
    assert enqueue_once("selftest.count", to=2, terms={**terms(3), "ward": "X"}, by="a") not in runs
    assert JobRun.objects.count() == 30


def test_enqueue_once_reuses_a_run_waiting_to_retry_and_not_one_of_another_job() -> None:
    first = enqueue_once("selftest.count", to=5)
    JobRun.objects.filter(pk=first.pk).update(status=JobStatus.RETRYING)
    assert enqueue_once("selftest.count", to=5) == first
    assert enqueue_once("selftest.flaky", to=5) != first
    JobRun.objects.filter(pk=first.pk).update(status=JobStatus.RUNNING)
    assert enqueue_once("selftest.count", to=5) != first, "a running run is not reused"


def test_a_run_queued_before_the_key_is_found_after_the_migration() -> None:
    """The migration keys every run still to run (decision 0142): a run queued before it is
    reused as before, not queued a second time."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("nestguard.jobs.migrations.0002_dedupe_key")
    waiting = enqueue("selftest.count", to=7, terms={"b": 1, "a": [1, {"y": 2, "x": 1}]})
    done = enqueue("selftest.count", to=8)
    JobRun.objects.filter(pk__in=[waiting.pk, done.pk]).update(dedupe_key="")
    JobRun.objects.filter(pk=done.pk).update(status=JobStatus.SUCCEEDED)
    migration.key_runs_still_to_run(apps, None)
    waiting.refresh_from_db()
    assert waiting.dedupe_key
    assert (
        enqueue_once("selftest.count", to=7, terms={"a": [1, {"x": 1, "y": 2}], "b": 1}) == waiting
    )
    assert JobRun.objects.get(pk=done.pk).dedupe_key == ""


def test_queueing_a_run_inserts_it_with_its_attempt_and_updates_nothing() -> None:
    """The run and its first attempt are two inserts in one transaction (decision 0142): each
    report asked for a new period queues one, inside the page's request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        run = enqueue("selftest.count", to=2)
    writes = [q["sql"].split()[0].upper() for q in context.captured_queries]
    assert writes.count("INSERT") == 2 and "UPDATE" not in writes, writes
    stored = JobRun.objects.get(pk=run.pk)
    assert stored.task_result_id == run.task_result_id
    assert DBTaskResult.objects.get(pk=run.task_result_id).args_kwargs["kwargs"] == {
        "run_id": str(run.pk)
    }
    assert drain() == 1
    assert JobRun.objects.get(pk=run.pk).status == JobStatus.SUCCEEDED


def test_an_attempt_that_is_not_the_runs_current_one_leaves_the_run_alone() -> None:
    run = enqueue("selftest.count")
    drain()
    from nestguard.jobs.tasks import run_job

    stray = run_job.enqueue(run_id=str(run.pk))  # e.g. queued twice by mistake
    assert work_once()
    run.refresh_from_db()
    assert (run.status, run.attempts, run.summary) == (JobStatus.SUCCEEDED, 1, "Counted to 3")
    assert DBTaskResult.objects.get(pk=stray.id).status == TaskResultStatus.FAILED


def test_only_messages_written_for_people_are_shown_as_the_reason() -> None:
    from django.core.exceptions import ValidationError

    from nestguard.jobs import JobFailed
    from nestguard.jobs.tasks import failure_reason

    assert failure_reason(JobFailed("The register file is empty.")) == "The register file is empty."
    assert failure_reason(ValidationError({"engine": "A linkage run is already in progress"})) == (
        "A linkage run is already in progress"
    )
    assert failure_reason(
        FileNotFoundError(2, "No such file or directory", "/x/Jo Bloggs.csv")
    ) == ("The job stopped: No such file or directory (FileNotFoundError).")
    assert "Bloggs" not in failure_reason(KeyError("Jo Bloggs"))
