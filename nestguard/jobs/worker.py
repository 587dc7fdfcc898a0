"""The worker: claims queued attempts one at a time under a row lock, runs them, and between
attempts gives up lost runs (no heartbeat) and enqueues the schedules that are due.

`work_once` is the same claim-and-run step the loop uses, for tests and for `--once`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from types import FrameType

from django.db import OperationalError, close_old_connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from nestguard.jobs import schedules, services, tasks

logger = logging.getLogger("nestguard.jobs")


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def claim(*, worker_id: str, backend: str = DEFAULT_TASK_BACKEND_ALIAS) -> DBTaskResult | None:
    """The next attempt that is due, claimed for this worker (its run marked running in the
    same transaction), or None when nothing is due or the database is busy."""
    ready = DBTaskResult.objects.ready().filter(backend_name=backend)
    try:
        with exclusive_transaction(ready.db):
            db_result = ready.get_locked()
            if db_result is not None:
                db_result.claim(worker_id)
                services.run_claim(db_result, worker_id=worker_id)
            return db_result
    except OperationalError as exc:
        if is_locked_database_exception(exc):
            return None
        raise


def run_attempt(db_result: DBTaskResult) -> None:
    """Run one claimed attempt and record its outcome on the django-tasks result (the run's
    own outcome is recorded by the task itself)."""
    try:
        return_value = db_result.task.call(
            *db_result.args_kwargs["args"], **db_result.args_kwargs["kwargs"]
        )
        db_result.set_successful(return_value)
    except Exception as exc:
        db_result.set_failed(exc)
        if db_result.task_path != services.RUN_JOB_TASK:  # run_job logs its own failures
            logger.exception("Task %s (%s) failed", db_result.pk, db_result.task_path)


def work_once(*, worker_id: str = "", backend: str = DEFAULT_TASK_BACKEND_ALIAS) -> bool:
    """Claim and run one due attempt; False when none was due."""
    db_result = claim(worker_id=worker_id or default_worker_id(), backend=backend)
    if db_result is None:
        return False
    run_attempt(db_result)
    return True


def drain(*, limit: int = 1000) -> int:
    """Run due attempts until none is left (tests, `nestguard worker --once`)."""
    done = 0
    while done < limit and work_once():
        done += 1
    return done


class Worker:
    """`nestguard worker`: the loop. SIGTERM or SIGINT stop it after the current attempt."""

    def __init__(
        self,
        *,
        worker_id: str = "",
        interval: float = 1.0,
        backend: str = DEFAULT_TASK_BACKEND_ALIAS,
        run_schedules: bool = True,
        housekeeping_seconds: float = 5.0,
    ) -> None:
        self.worker_id = worker_id or default_worker_id()
        self.interval = interval
        self.backend = backend
        self.run_schedules = run_schedules
        self.housekeeping_seconds = housekeeping_seconds
        self.running = True
        self._last_housekeeping = float("-inf")
        task_backends[backend]

    def stop(self, signum: int, frame: FrameType | None) -> None:
        logger.warning("Worker %s stopping after the current job", self.worker_id)
        self.running = False

    def housekeeping(self) -> None:
        recovered = services.runs_recover_lost()
        if recovered:
            logger.warning("Recovered %s job run(s) that had lost their worker", recovered)
        if self.run_schedules:
            for run in schedules.enqueue_due():
                logger.info("Schedule %s queued job run %s", run.schedule, run.pk)

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        tasks.HEARTBEAT_THREAD.on = True
        logger.info("Worker %s started", self.worker_id)
        while self.running:
            close_old_connections()
            now = time.monotonic()
            if now - self._last_housekeeping >= self.housekeeping_seconds:
                self._last_housekeeping = now
                try:
                    self.housekeeping()
                except OperationalError as exc:
                    if not is_locked_database_exception(exc):
                        raise
            worked = work_once(worker_id=self.worker_id, backend=self.backend)
            close_old_connections()
            if not worked and self.running:
                time.sleep(self.interval)
        logger.info("Worker %s stopped", self.worker_id)
