"""Backup and restore, drilled (issue 13 point 4; docs/decisions/0082-backup-and-restore.md).

On the engine the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL), with the
commands run as processes, as an operator or the job queue runs them:

- a backup restored into an empty database gives the same rows, and its audit chain
  verifies with the key and against the anchor taken before the backup;
- restore refuses a database that has tables, and a backup of the other engine;
- a backup killed half-way (SIGKILL) leaves the previous backup as it was, and its partial
  file is refused at restore, with or without the `.partial` in its name;
- a damaged backup is refused by its checksum;
- restore drills that pass and that fail (a damaged file, a rebuilt audit chain, a row
  count that differs from the manifest) are each recorded with what differed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nestguard.operations.tests.harness import (
    DRILLS,
    DUMP,
    ENQUEUE_BACKUP_AND_DRILLS,
    POPULATE,
    REPO,
    RUNS,
    TAMPER_FIRST_EVENT,
    Databases,
    Nestguard,
    nestguard_command,
)
from tests.migrated import Template


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("backup-databases"))
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def live(
    databases: Databases, tmp_path_factory: pytest.TempPathFactory, migrated_template: Template
) -> Nestguard:
    """The live database: migrated (a copy of the pass's migrated template), a synthetic
    partnership in it, the chain anchored."""
    folder = tmp_path_factory.mktemp("live")
    live_url = databases.copy_of(migrated_template, "live")
    nestguard = Nestguard(live_url, folder / "backups", folder / "anchors")
    assert nestguard.python(POPULATE) == "ok"
    nestguard.ok("audit_anchor")
    return nestguard


@dataclass(frozen=True)
class Backup:
    file: Path
    manifest: dict[str, Any]
    # Every row of the live database when it was taken.
    dumped: dict[str, list[dict[str, Any]]]

    def copy_to(self, folder: Path, name: str | None = None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / (name or self.file.name)
        shutil.copyfile(self.file, copy)
        shutil.copyfile(manifest_of(self.file), manifest_of(copy))
        return copy


@pytest.fixture(scope="module")
def backup(live: Nestguard, databases: Databases) -> Backup:
    """One backup of the live database, with everything in it just before."""
    dumped = live.python(DUMP)
    file = live.backup_dir / "taken" / f"nightly{databases.extension}"
    printed = live.ok("backup", "--output", str(file))
    assert str(file) in printed
    return Backup(file, json.loads(manifest_of(file).read_text()), dumped)


def manifest_of(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_then_restore_gives_the_same_rows_and_a_verifying_chain(
    live: Nestguard, databases: Databases, backup: Backup
) -> None:
    manifest, events_before = backup.manifest, backup.dumped["events"]
    assert manifest["engine"] == databases.engine
    assert manifest["sha256"] == sha256(backup.file)
    assert manifest["size"] == backup.file.stat().st_size
    assert manifest["tables"]["audit_auditevent"] == len(events_before) > 1500
    assert manifest["tables"]["people_person"] == 40
    assert backup.file.stat().st_mode & 0o077 == 0, "a backup holds personal data: owner only"
    assert not list(backup.file.parent.glob("*.partial"))

    target = live.with_database(databases.new("restored"))
    printed = target.ok("restore", str(backup.file))
    assert "as its manifest says" in printed

    restored = target.python(DUMP)
    assert restored["rows"] == backup.dumped["rows"]
    events_after = restored["events"]
    assert events_after[: len(events_before)] == events_before
    assert [e["fields"]["action"] for e in events_after[len(events_before) :]] == [
        "operations.restore"
    ]
    verified = target.ok("audit_verify")
    assert f"audit chain intact: {len(events_after)} events, 1 anchors compared" in verified


def test_restore_refuses_a_database_that_has_tables(live: Nestguard, backup: Backup) -> None:
    refused = live.run("restore", str(backup.file))

    assert refused.returncode != 0
    assert "is not empty" in refused.stderr
    assert "Restore only into a new, empty database" in refused.stderr


def test_a_backup_never_replaces_another(live: Nestguard, backup: Backup) -> None:
    before = sha256(backup.file)

    again = live.run("backup", "--output", str(backup.file))

    assert again.returncode != 0
    assert "already exists: a backup never replaces another" in again.stderr
    assert sha256(backup.file) == before


def test_a_backup_killed_half_way_leaves_the_previous_one_and_is_refused(
    live: Nestguard, databases: Databases, backup: Backup, tmp_path: Path
) -> None:
    previous = backup.copy_to(tmp_path, f"previous{databases.extension}")
    previous_manifest = manifest_of(previous).read_bytes()
    previous_sha = sha256(previous)

    second = tmp_path / f"second{databases.extension}"
    partial = tmp_path / f"{second.name}.partial"
    # Paced (a test-only setting) so the kill lands while the backup is still writing.
    process = subprocess.Popen(  # noqa: S603
        [*nestguard_command(), "backup", "--output", str(second)],
        env=live.env(NESTGUARD_BACKUP_TEST_PACE_SECONDS="0.05"),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not (partial.exists() and partial.stat().st_size > 0):
            assert process.poll() is None, f"the backup ended first: {process.stderr}"
            assert time.monotonic() < deadline, "the backup never started writing"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    assert sha256(previous) == previous_sha, "the previous backup was touched"
    assert manifest_of(previous).read_bytes() == previous_manifest
    assert partial.exists()
    assert not second.exists()
    assert not manifest_of(second).exists()

    target = live.with_database(databases.new("from_partial"))
    refused = target.run("restore", str(partial))
    assert refused.returncode != 0
    assert "is a partial backup: the backup that wrote it did not finish" in refused.stderr

    # Renamed to look finished, it is still refused: no manifest vouches for it.
    shutil.copyfile(partial, second)
    refused = target.run("restore", str(second))
    assert refused.returncode != 0
    assert f"{second.name} has no manifest" in refused.stderr

    # Neither attempt restored anything: the previous backup restores into the same database.
    target.ok("restore", str(previous))


def test_a_damaged_backup_is_refused_by_its_checksum(
    live: Nestguard, databases: Databases, backup: Backup, tmp_path: Path
) -> None:
    damaged = backup.copy_to(tmp_path)
    _flip_a_byte(damaged)

    refused = live.with_database(databases.new("from_damaged")).run("restore", str(damaged))

    assert refused.returncode != 0
    assert "does not match the checksum in its manifest" in refused.stderr


def test_a_backup_of_the_other_engine_is_refused(
    live: Nestguard, databases: Databases, backup: Backup, tmp_path: Path
) -> None:
    other = backup.copy_to(tmp_path)
    manifest = {**backup.manifest}
    manifest["engine"] = "sqlite" if databases.engine == "postgresql" else "postgresql"
    manifest_of(other).write_text(json.dumps(manifest))

    refused = live.with_database(databases.new("other_engine")).run("restore", str(other))

    assert refused.returncode != 0
    assert "Restore into the same kind of database" in refused.stderr


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _drill(live: Nestguard, folder: Path) -> subprocess.CompletedProcess[str]:
    return live.run("restore_drill", NESTGUARD_BACKUP_DIR=str(folder))


def test_restore_drills_that_pass_and_fail_are_recorded(
    live: Nestguard, databases: Databases, backup: Backup, tmp_path: Path
) -> None:
    # 1. The newest complete backup is chosen, restores and checks out.
    good = tmp_path / "good"
    newest = backup.copy_to(good)
    older = backup.copy_to(good, f"older{databases.extension}")
    manifest_of(older).write_text(
        json.dumps({**backup.manifest, "created_at": "2026-01-01T02:00:00+00:00"})
    )
    _flip_a_byte(older)  # were it drilled, it would fail
    passed = _drill(live, good)
    assert passed.returncode == 0, passed.stderr
    assert f"restore drill passed: {newest.name}" in passed.stdout

    # 2. A damaged file: refused by its checksum before anything is restored.
    damaged = tmp_path / "damaged"
    _flip_a_byte(backup.copy_to(damaged))
    assert _drill(live, damaged).returncode != 0

    # 3. A backup of a database whose audit chain was edited: it restores, its checksum is
    # its own, and the restored chain does not verify.
    edited = live.with_database(databases.new("edited"))
    edited.ok("restore", str(newest))
    first_event = edited.python(TAMPER_FIRST_EVENT)
    rebuilt = tmp_path / "rebuilt"
    edited.ok("backup", "--output", str(rebuilt / f"edited{databases.extension}"))
    assert _drill(live, rebuilt).returncode != 0

    # 4. A manifest whose row count differs from what the file holds.
    miscounted = backup.copy_to(tmp_path / "miscounted")
    tables = {**backup.manifest["tables"], "people_person": 41}
    manifest_of(miscounted).write_text(json.dumps({**backup.manifest, "tables": tables}))
    assert _drill(live, miscounted.parent).returncode != 0

    # 5. No backup at all.
    assert _drill(live, tmp_path / "empty").returncode != 0

    recorded = live.python(DRILLS)
    drills = recorded["drills"]
    assert [d["passed"] for d in drills] == [True, False, False, False, False]
    assert recorded["events"] == 5, "each drill is in the audit trail"
    ok, checksum, chain, count, none = drills
    assert ok["backup_name"] == newest.name
    assert ok["differences"] == []
    assert ok["tables_compared"] == len(backup.manifest["tables"])
    assert ok["events_verified"] == backup.manifest["tables"]["audit_auditevent"]
    assert checksum["differences"] == [
        f"{newest.name} does not match the checksum in its manifest: it is damaged or has "
        "been changed, and cannot be restored."
    ]
    assert len(chain["differences"]) == 1
    assert chain["differences"][0].startswith(
        f"the restored audit chain is broken at event {first_event}: its contents do not "
        "match its hash"
    )
    assert count["differences"] == ["people_person: 41 rows in the backup's manifest, 40 restored"]
    assert none["differences"][0].startswith("no complete backup was found in")


def test_postgres_tools_come_from_the_configured_folder(
    live: Nestguard, databases: Databases, tmp_path: Path
) -> None:
    if databases.engine != "postgresql":
        pytest.skip("pg_dump is used on PostgreSQL only")
    refused = live.run(
        "backup", "--output", str(tmp_path / "b.pgdump"), NESTGUARD_PG_BIN_DIR=str(tmp_path)
    )
    assert refused.returncode != 0
    assert "pg_dump was not found (set NESTGUARD_PG_BIN_DIR" in refused.stderr
    assert not (tmp_path / "b.pgdump").exists()
    assert os.listdir(tmp_path) == []


def test_backup_and_drill_run_as_jobs_of_the_queue(live: Nestguard, tmp_path: Path) -> None:
    """Queued (as the schedules queue them), run by `nestguard worker --once`: the backup
    lands in the backup folder, the drill restores it; a drill for another weekday waits."""
    folder = tmp_path / "jobs-backups"
    ids = live.python(ENQUEUE_BACKUP_AND_DRILLS)

    live.ok("worker", "--once", "--no-schedules", NESTGUARD_BACKUP_DIR=str(folder))

    runs = live.python(RUNS.format(ids=ids))
    made = sorted(folder.glob("nestguard-*"))
    assert len(made) == 2, made  # the backup and its manifest
    (backup_run, drill_run, other_day_run) = runs
    assert backup_run[:2] == ["operations.backup", "succeeded"], backup_run
    assert backup_run[2].endswith(f"to {made[0].name}, {made[0].stat().st_size} bytes")
    assert drill_run[:2] == ["operations.restore_drill", "succeeded"], drill_run
    assert drill_run[2].startswith(f"Restore drill passed: {made[0].name}")
    assert other_day_run[1] == "succeeded"
    assert other_day_run[2].startswith("Not run: the drill runs on ")
