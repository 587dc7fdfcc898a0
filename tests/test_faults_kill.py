"""A process killed (SIGKILL: no clean-up, no `finally`) in the middle of a register import, a
source-record import and a linkage run: nothing of the unfinished batch is in the database,
the run says it failed and why, and running it again completes (issue 13 point 6, decision
0087). Each test runs real `nestguard` commands against a scratch database of its own
(tests/faults.py) and kills them at a moment the process itself announces: a progress line
on stdout, or the run's own row, never after a fixed sleep.

On SQLite or PostgreSQL, whichever DATABASE_URL names, like every other test.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults import (
    Scratch,
    add_data_officer,
    kill_when,
    kill_when_row,
    scratch_databases,
    wait_for_row,
    write_register,
    write_source_records,
)
from tests.migrated import Template

REGISTER = 2_000  # addresses already in the register before each test
BIG_REGISTER = 40_000  # rows of the import that is killed (20 batches)
RECORDS = 12_000  # source records of the import that is killed
LINKED_RECORDS = 6_000  # source records the linkage run links


@pytest.fixture(scope="module")
def fresh(
    tmp_path_factory: pytest.TempPathFactory, migrated_template: Template
) -> Iterator[Callable[[str], Scratch]]:
    """A copy, for each test, of a migrated database with a register of REGISTER addresses
    and a data officer of the police."""
    folder = tmp_path_factory.mktemp("faults")
    databases = scratch_databases(folder, migrated_template)
    copy = next(databases)
    base = copy("base", None)
    base.run("import_addresses", str(write_register(folder / "register.csv", REGISTER)))
    add_data_officer(base)
    yield lambda label: copy(label, base)
    next(databases, None)


def audit_events(db: Scratch, action: str) -> int:
    return db.count("audit_auditevent", "WHERE action = %s", (action,))


def test_a_register_import_killed_half_way_leaves_the_register_as_it_was(
    fresh: Callable[[str], Scratch], tmp_path: Path
) -> None:
    db = fresh("register")
    big = write_register(tmp_path / "big.csv", BIG_REGISTER, changed_first=REGISTER)
    before = audit_events(db, "address.register_import")

    importing = db.start("import_addresses", str(big), "--batch-size", "2000", "-v", "2")
    written = re.compile(r"^([\d,]+) of ([\d,]+) rows written")

    def two_batches_in(line: str) -> bool:  # the existing rows updated, new rows added
        match = written.match(line)
        return bool(match) and int(match.group(1).replace(",", "")) >= 2 * 2000

    lines = kill_when(importing, two_batches_in)
    assert importing.returncode == -signal.SIGKILL
    assert not any("created" in line for line in lines)  # it never reported finishing

    # Nothing of the batch: no new address, no changed one, no audit event for it.
    assert db.count("places_address") == REGISTER
    assert db.count("places_address", "WHERE town = %s", ("Southbrook",)) == 0
    assert audit_events(db, "address.register_import") == before
    db.run("audit_verify")

    again = db.run("import_addresses", str(big))
    assert f"{BIG_REGISTER} rows: {BIG_REGISTER - REGISTER} created, {REGISTER} updated" in (
        again.stdout
    )
    assert db.count("places_address") == BIG_REGISTER
    assert db.count("places_address", "WHERE town = %s", ("Southbrook",)) == REGISTER
    assert audit_events(db, "address.register_import") == before + 1
    db.run("audit_verify")


def test_a_source_record_import_killed_half_way_leaves_no_batch(
    fresh: Callable[[str], Scratch], tmp_path: Path
) -> None:
    db = fresh("records")
    records = write_source_records(tmp_path / "records.csv", RECORDS)
    args = ("import_source_records", str(records), "--user", "police.data", "--system", "RMS")

    importing = db.start(*args, "-v", "2")
    lines = kill_when(importing, lambda line: "records written (not yet committed)" in line)
    assert importing.returncode == -signal.SIGKILL
    assert not any(line.startswith("Imported") for line in lines)

    for table in ("linkage_importbatch", "linkage_sourcerecord", "linkage_cluster"):
        assert db.count(table) == 0, table
    assert audit_events(db, "source_record.import") == 0
    db.run("audit_verify")

    again = db.run(*args)
    assert re.search(r"Imported \d+ new record\(s\); 0 already held", again.stdout)
    assert db.count("linkage_importbatch") == 1
    assert db.count("linkage_sourcerecord") > RECORDS // 2
    assert audit_events(db, "source_record.import") == 1
    db.run("audit_verify")


def test_a_linkage_run_killed_half_way_is_marked_failed_and_a_new_run_completes(
    fresh: Callable[[str], Scratch], tmp_path: Path
) -> None:
    db = fresh("linkage")
    records = write_source_records(tmp_path / "people.csv", LINKED_RECORDS, seed=7)
    db.run("import_source_records", str(records), "--user", "police.data", "--system", "RMS")

    linking = db.start("link", "--retrain")
    # The run's own row says it is scoring pairs: past training, before any link is made.
    kill_when_row(
        linking,
        db,
        "SELECT id FROM linkage_linkagerun WHERE status = 'running' AND progress >= 30",
    )
    assert linking.returncode == -signal.SIGKILL
    [(run_id, status, pid, error)] = db.query(
        "SELECT id, status, pid, error FROM linkage_linkagerun"
    )
    assert (status, pid, error) == ("running", linking.pid, "")  # it could not mark itself

    rerun = db.run("link")
    assert re.search(
        rf"marked failed: The process stopped during the run \(pid {linking.pid} on .+, "
        r"last heartbeat \d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
        rerun.stderr,
    ), rerun.stderr
    assert "finished with model" in rerun.stdout

    [(status, error)] = db.query(
        "SELECT status, error FROM linkage_linkagerun WHERE id = %s", (run_id,)
    )
    assert status == "failed" and f"pid {linking.pid}" in error
    assert db.count("linkage_linkagerun", "WHERE status = 'succeeded'") == 1
    # The killed run's links and review pairs were one transaction it never committed.
    assert db.count("linkage_merge", "WHERE run_id = %s", (run_id,)) == 0
    assert db.count("linkage_reviewpair", "WHERE run_id = %s", (run_id,)) == 0
    assert db.count("linkage_merge") > 0  # the rerun linked people
    assert audit_events(db, "linkage.run_stopped") == 1
    db.run("audit_verify")


def test_a_worker_killed_during_a_linkage_job_is_retried_and_the_run_marked_failed(
    fresh: Callable[[str], Scratch], tmp_path: Path
) -> None:
    db = fresh("linkagejob")
    records = write_source_records(tmp_path / "people.csv", LINKED_RECORDS, seed=7)
    db.run("import_source_records", str(records), "--user", "police.data", "--system", "RMS")
    assert "queued for the worker" in db.run("link", "--retrain", "--job").stdout
    quick = {  # heartbeats every second; a worker silent for 3 s is lost; retry at once
        "NESTGUARD_JOBS_HEARTBEAT_SECONDS": "1",
        "NESTGUARD_JOBS_HEARTBEAT_TIMEOUT_SECONDS": "3",
        "NESTGUARD_JOBS_RETRY_BASE_SECONDS": "0",
    }

    worker = db.start("worker", "--no-schedules", "--interval", "0.2", env=quick)
    kill_when_row(
        worker,
        db,
        "SELECT id FROM linkage_linkagerun WHERE status = 'running' AND progress >= 30",
    )
    assert worker.returncode == -signal.SIGKILL
    [(first_run, pid)] = db.query("SELECT id, pid FROM linkage_linkagerun")
    assert pid == worker.pid
    assert db.query("SELECT status, attempts FROM jobs_jobrun WHERE name = 'linkage.run'") == [
        ("running", 1)
    ]

    # The next worker notices the lost attempt, and the retry starts a fresh linkage run.
    second = db.start("worker", "--no-schedules", "--interval", "0.2", env=quick)
    try:
        wait_for_row(
            db,
            "SELECT id FROM jobs_jobrun WHERE name = 'linkage.run' "
            "AND status IN ('succeeded', 'failed')",
        )
    finally:
        second.terminate()
        second.wait(timeout=120)
    # A finished run also queues the shared person index's build (decision 0117): the run's job
    # is the one this test follows.
    [(status, attempts, summary)] = db.query(
        "SELECT status, attempts, summary FROM jobs_jobrun WHERE name = 'linkage.run'"
    )
    assert (status, attempts) == ("succeeded", 2), summary
    [(error,)] = db.query("SELECT error FROM linkage_linkagerun WHERE id = %s", (first_run,))
    assert error.startswith(f"The process stopped during the run (pid {worker.pid} on ")
    assert db.count("linkage_linkagerun", "WHERE status = 'succeeded'") == 1
    assert db.count("linkage_merge", "WHERE run_id = %s", (first_run,)) == 0
    db.run("audit_verify")
