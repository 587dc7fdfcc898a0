"""Jobs survive their worker being killed: real `nestguard worker` processes on a database of
their own (an SQLite file, or a new PostgreSQL database when DATABASE_URL names PostgreSQL).

A slow job is queued, worker A starts it and is killed with SIGKILL mid-job (no chance to
tidy up); worker B, started afterwards, notices the run's heartbeat has stopped, tries it
again, and the job completes exactly once in effect: its one effect (a counter raised in a
transaction at its end) happened once, and the run says two attempts and success.
"""

from __future__ import annotations

import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.migrated import Template

REPO = Path(__file__).resolve().parents[3]


def _nestguard() -> str:
    command = Path(sys.executable).with_name("nestguard")
    if not command.exists():
        pytest.skip("the nestguard command is not installed: run `make setup`")
    return str(command)


@dataclass
class QueueDatabase:
    url: str
    env: dict[str, str]
    tmp: Path

    def nestguard(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(  # noqa: S603 (our own command)
            [_nestguard(), *args], env=self.env, cwd=REPO, capture_output=True, text=True,
            timeout=timeout, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"nestguard {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout.strip()

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Read the database as an operator would, without Django."""
        if self.url.startswith("sqlite"):
            with sqlite3.connect(urlsplit(self.url).path) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as conn:
            return conn.execute(sql).fetchall()  # type: ignore[arg-type]

    def worker(self, name: str, log: Path) -> subprocess.Popen[bytes]:
        out = log.open("wb")
        return subprocess.Popen(  # noqa: S603 (our own command)
            # No schedules: the nightly and notification jobs are not what these tests watch.
            [_nestguard(), "worker", "--interval", "0.2", "--worker-id", name, "--no-schedules"],
            env=self.env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip


@pytest.fixture(scope="module")
def queue_db(
    tmp_path_factory: pytest.TempPathFactory, migrated_template: Template
) -> Iterator[QueueDatabase]:
    """A database of the queue's own, that worker processes share: a copy of the pass's
    migrated template (decision 0132)."""
    tmp = tmp_path_factory.mktemp("queue")
    outer = os.environ.get("DATABASE_URL", "").strip()
    admin = None
    if outer.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(outer)
        name = f"ng_queue_restart_{secrets.token_hex(4)}"
        admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
        url = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        url = f"sqlite:///{tmp / 'queue.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nestguard.settings.test",  # the tests' own jobs
        "DATABASE_URL": url,
        "NESTGUARD_JOBS_HEARTBEAT_SECONDS": "1",
        "NESTGUARD_JOBS_HEARTBEAT_TIMEOUT_SECONDS": "3",
        "NESTGUARD_JOBS_RETRY_BASE_SECONDS": "1",
    }
    db = QueueDatabase(url=url, env=env, tmp=tmp)
    try:
        migrated_template.copy_to(url)
        yield db
    finally:
        if admin is not None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def _wait_for(what: str, check: Any, timeout: float, logs: list[Path]) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    shown = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')}" for log in logs)
    pytest.fail(f"timed out waiting for {what}\n{shown}", pytrace=False)


def test_a_job_whose_worker_is_killed_mid_job_completes_once_on_another(
    queue_db: QueueDatabase,
) -> None:
    started = queue_db.tmp / "started.txt"
    queue_db.nestguard(
        "shell", "-c",
        "from nestguard.jobs import enqueue; "
        f"enqueue('selftest.slow_effect', seconds=6, started_file={str(started)!r})",
    )  # fmt: skip
    log_a, log_b = queue_db.tmp / "worker-a.log", queue_db.tmp / "worker-b.log"
    worker_a = queue_db.worker("worker-a", log_a)
    worker_b = None
    try:
        _wait_for("worker A to start the job", started.exists, 120, [log_a])
        [(status, attempts, worker)] = queue_db.query(
            "SELECT status, attempts, worker_id FROM jobs_jobrun"
        )
        assert (status, attempts, worker) == ("running", 1, "worker-a")
        worker_a.send_signal(signal.SIGKILL)
        assert worker_a.wait(timeout=30) == -signal.SIGKILL

        worker_b = queue_db.worker("worker-b", log_b)
        finished = _wait_for(
            "worker B to complete the job",
            lambda: queue_db.query(
                "SELECT status, attempts, worker_id, summary, failure_reason FROM jobs_jobrun "
                "WHERE status IN ('succeeded', 'failed')"
            ),
            180,
            [log_a, log_b],
        )
        assert finished == [("succeeded", 2, "worker-b", "Effect 1", "")]
        # Its one effect happened once: the killed attempt never reached it.
        assert queue_db.query("SELECT value FROM core_sequence WHERE name = 'selftest.effect'") == [
            (1,)
        ]
        # Each process that ran it said so: A (killed) then B.
        assert started.read_text().split() == [str(worker_a.pid), str(worker_b.pid)]
        # Two django-tasks results: the lost attempt failed as lost, the second succeeded.
        attempts_seen = sorted(
            queue_db.query(
                "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult"
            )
        )
        assert attempts_seen == [
            ("FAILED", "nestguard.jobs.worker.WorkerLost"),
            ("SUCCESSFUL", ""),
        ]
        assert "lost its worker worker-a" in log_b.read_text()

        # SIGTERM stops a worker cleanly between jobs.
        worker_b.send_signal(signal.SIGTERM)
        assert worker_b.wait(timeout=30) == 0
    finally:
        for process in (worker_a, worker_b):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()


def test_two_workers_share_the_queue_and_run_each_job_once(queue_db: QueueDatabase) -> None:
    before = queue_db.query("SELECT COUNT(*) FROM jobs_jobrun")[0][0]
    queue_db.nestguard(
        "shell", "-c",
        "from nestguard.jobs import enqueue\n"
        "for n in range(8): enqueue('selftest.count', to=n + 1)",
    )  # fmt: skip
    logs = [queue_db.tmp / "share-1.log", queue_db.tmp / "share-2.log"]
    workers = [queue_db.worker(f"share-{n}", log) for n, log in enumerate(logs, 1)]
    try:
        _wait_for(
            "both workers to run every job",
            lambda: (
                queue_db.query(
                    "SELECT COUNT(*) FROM jobs_jobrun WHERE name = 'selftest.count' "
                    "AND status = 'succeeded'"
                )[0][0]
                >= 8
            ),
            180,
            logs,
        )
        rows = queue_db.query(
            "SELECT attempts, summary, worker_id FROM jobs_jobrun WHERE name = 'selftest.count'"
        )
        assert sorted(summary for _, summary, _ in rows) == sorted(
            f"Counted to {n}" for n in range(1, 9)
        )
        assert {attempts for attempts, _, _ in rows} == {1}, "no job ran twice"
        assert queue_db.query("SELECT COUNT(*) FROM jobs_jobrun")[0][0] == before + 8
        assert (
            queue_db.query(
                "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = 'nestguard.jobs.tasks.run_job' AND status = 'SUCCESSFUL' "
                "AND CAST(return_value AS TEXT) LIKE '%Counted to%'"
            )[0][0]
            == 8
        )
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_demo_runs_a_worker_beside_the_web_server_and_stops_both(
    queue_db: QueueDatabase,
) -> None:
    """`make demo`'s last step (scripts/demo-serve.sh): a job queued while the demo runs is
    carried out, and stopping the demo stops the worker too."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = queue_db.tmp / "demo.log"
    env = {**queue_db.env, "BIN": str(Path(_nestguard()).parent)}
    demo = subprocess.Popen(  # noqa: S603 (our own script)
        [str(REPO / "scripts" / "demo-serve.sh"), f"127.0.0.1:{port}"],
        env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=log.open("wb"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        queue_db.nestguard(
            "shell", "-c", "from nestguard.jobs import enqueue; enqueue('selftest.count', to=2)"
        )  # fmt: skip

        def health() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as r:
                    return bool(r.status == 200)
            except OSError:
                return False

        _wait_for("the web server to answer", health, 120, [log])
        _wait_for(
            "the worker to run the job",
            lambda: queue_db.query(
                "SELECT summary FROM jobs_jobrun WHERE name = 'selftest.count' "
                "AND status = 'succeeded'"
            ),
            120,
            [log],
        )
        children = _children(demo.pid)
        assert len(children) == 2, "the worker and the web server"
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
        _wait_for("both to stop", lambda: not any(_alive(pid) for pid in children), 30, [log])
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
