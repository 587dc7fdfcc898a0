"""The worker: claims queued attempts one at a time under a row lock, runs them, and between
attempts gives up lost runs (no heartbeat) and enqueues the schedules that are due.

`work_once` is the same claim-and-run step the loop uses, for tests and for `--once`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from types import FrameType

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
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
        # run_job logs the job's own failures; anything else (a task of another kind, or the
        # queue's own bookkeeping failing) is logged here.
        if db_result.task_path != services.RUN_JOB_TASK or not getattr(exc, "job_logged", False):
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


def yield_cpu() -> int:
    """Lower this process's CPU priority by NESTGUARD_WORKER_NICE steps of niceness (decision
    0135; at most to 19, the least) and return its niceness. The worker runs beside the web
    processes on the same cores: a report counted for a page (decision 0112), an import or a
    linkage run is then served after the pages' requests, not beside them. It only ever
    lowers the priority (no privilege needed), so a service manager's own `Nice=` adds to
    it."""
    steps = int(getattr(settings, "NESTGUARD_WORKER_NICE", 10))
    return os.nice(steps) if steps > 0 else os.nice(0)


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
        self._stopping = threading.Event()  # wakes the worker from its waits at once
        self._last_housekeeping = float("-inf")
        task_backends[backend]

    def stop(self, signum: int, frame: FrameType | None) -> None:
        logger.warning("Worker %s stopping after the current job", self.worker_id)
        self.running = False
        self._stopping.set()

    def housekeeping(self) -> None:
        recovered = services.runs_recover_lost()
        if recovered:
            logger.warning("Recovered %s job run(s) that had lost their worker", recovered)
        if self.run_schedules:
            for run in schedules.enqueue_due():
                logger.info("Schedule %s queued job run %s", run.schedule, run.pk)

    def step(self) -> bool:
        """Housekeeping when it is due, then at most one attempt. True if one ran."""
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
        return worked

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        tasks.HEARTBEAT_THREAD.on = True
        logger.info("Worker %s started", self.worker_id)
        while self.running:
            try:
                worked = self.step()
            except (OperationalError, InterfaceError):
                # The database went away (restarted, network): wait and connect afresh
                # rather than die; the attempt in hand, if any, is recovered by its heartbeat.
                logger.exception("Worker %s lost the database; trying again", self.worker_id)
                connections.close_all()
                worked = False
                self._stopping.wait(min(30.0, max(1.0, self.interval * 5)))
            if not worked and self.running:
                self._stopping.wait(self.interval)
        logger.info("Worker %s stopped", self.worker_id)
