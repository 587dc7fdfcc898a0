"""A scratch database of its own for tests that run `nestguard` in other processes and kill
them (tests/test_faults_*.py, decision 0087).

pytest-django's test database is no use to another process (SQLite's is in memory, and
PostgreSQL's is inside the test's transaction), so these tests make their own: a file under
the test's temporary folder, or a database of a random name on the PostgreSQL server that
DATABASE_URL names, copied from the pass's migrated database once per module and copied for
each test, and dropped after.
They read it with plain SQL, never through the Django connection of the test process.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tests.migrated import Template

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a long synthetic password for the fault tests"
COMMAND_TIMEOUT = 1200  # a loaded CI machine: linkage on PostgreSQL took 10 min


def postgres_server() -> str | None:
    """The PostgreSQL server of DATABASE_URL (the test run's), or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _connect(url: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(("postgresql", *parts[1:])), autocommit=autocommit)


def _admin(url: str) -> psycopg.Connection[Any]:
    return _connect(_with_database(url, "postgres"), autocommit=True)


@dataclass
class Scratch:
    """One scratch database and how to run `nestguard` against it."""

    url: str
    folder: Path

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    @property
    def env(self) -> dict[str, str]:
        return dict(
            os.environ,
            DATABASE_URL=self.url,
            DJANGO_SETTINGS_MODULE="nestguard.settings.test",
            PYTHONUNBUFFERED="1",
        )

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "nestguard.manage", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"nestguard {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n"
                f"{done.stderr}"
            )
        return done

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "nestguard.manage", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Plain SQL with %s placeholders, on a connection of its own, closed at once."""
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as db:
                rows = db.execute(sql.replace("%s", "?"), tuple(params)).fetchall()
            db.close()
            return rows
        with _connect(self.url) as db:
            return db.execute(sql.encode(), tuple(params)).fetchall()  # type: ignore[call-overload]

    def count(self, table: str, where: str = "", params: Sequence[Any] = ()) -> int:
        rows = self.query(f"SELECT COUNT(*) FROM {table} {where}", params)  # noqa: S608
        return int(rows[0][0])


def scratch_databases(
    folder: Path, migrated: Template
) -> Iterator[Callable[[str, Scratch | None], Scratch]]:
    """Copy the pass's migrated database (tests/migrated.py, decision 0132); yield a function
    making a copy of it (or of another database it made) under a label; drop them all at the
    end."""
    server = postgres_server()
    made: list[Scratch] = []
    if server is None:
        template = Scratch(f"sqlite:///{folder / 'template.sqlite3'}", folder)
    else:
        template = Scratch(_with_database(server, f"ng_faults_{uuid.uuid4().hex[:10]}"), folder)
    made.append(template)
    migrated.copy_to(template.url)

    def copy(label: str, source: Scratch | None = None) -> Scratch:
        source = source or template
        if server is None:
            path = folder / f"{label}.sqlite3"
            shutil.copy(source.url.removeprefix("sqlite:///"), path)
            scratch = Scratch(f"sqlite:///{path}", folder)
        else:
            scratch = Scratch(_with_database(server, f"{template.name}_{label}"[:60]), folder)
            with _admin(server) as admin:
                admin.execute(f'CREATE DATABASE "{scratch.name}" TEMPLATE "{source.name}"'.encode())
        made.append(scratch)
        return scratch

    try:
        yield copy
    finally:
        if server is not None:
            with _admin(server) as admin:
                for scratch in reversed(made):
                    admin.execute(f'DROP DATABASE IF EXISTS "{scratch.name}" WITH (FORCE)'.encode())


def add_data_officer(scratch: Scratch, username: str = "police.data") -> str:
    """An agency and a user of it who may import its records."""
    scratch.run("create_agency", "--name", "Northbrook Police", "--type", "police")
    password = scratch.folder / "password.txt"
    password.write_text(PASSWORD, encoding="utf-8")
    scratch.run(
        "createuser",
        "--username", username,
        "--agency", "Northbrook Police",
        "--role", "caseworker",
        "--password-file", str(password),
    )  # fmt: skip
    return username


REGISTER_HEADER = (
    "uprn", "address_line1", "address_line2", "town", "postcode", "easting", "northing",
    "latitude", "longitude", "ward", "tenure", "landlord",
)  # fmt: skip
STREETS = ("Mill Lane", "Station Road", "Church Street", "Park Avenue", "High Street")


def register_row(n: int, town: str = "Northbrook") -> list[str]:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = f"NB{1 + n % 9} {n % 10}{letters[n // 10 % 20]}{letters[n // 200 % 20]}"
    return [
        str(100_000_000 + n), f"{1 + n % 300} {STREETS[n // 300 % 5]}", "", town, postcode,
        str(530_000 + n % 5000), str(180_000 + n // 5000), "", "", "", "", "",
    ]  # fmt: skip


def write_register(path: Path, rows: int, *, changed_first: int = 0) -> Path:
    """A valid register of `rows` addresses; the first `changed_first` in another town."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REGISTER_HEADER)
        for n in range(rows):
            writer.writerow(register_row(n, "Southbrook" if n < changed_first else "Northbrook"))
    return path


SOURCE_HEADER = (
    "record_id", "given_name", "family_name", "date_of_birth", "sex", "address_line1",
    "address_line2", "town", "postcode", "phone", "identifier",
)  # fmt: skip


def write_source_records(path: Path, rows: int, *, seed: int = 2026) -> Path:
    """Synthetic people (the linkage engine's generator: several records of each person,
    with the errors real systems make), at addresses of the register above."""
    from nestguard.linkage.engine.synthetic import generate

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SOURCE_HEADER)
        for n, item in enumerate(generate(rows, seed=seed)):
            values = item.record.as_dict()
            address = register_row(n % 2000)
            values.update(address_line1=address[1], town=address[3], postcode=address[4])
            values["record_id"] = f"R{n}"
            writer.writerow([values.get(column, "") for column in SOURCE_HEADER])
    return path


def kill_when(
    process: subprocess.Popen[str],
    ready: Callable[[str], bool],
    *,
    seconds: float = COMMAND_TIMEOUT,
) -> list[str]:
    """Read the process's output line by line; SIGKILL it at the first line `ready` accepts.
    Returns the lines read. Fails if the process ended (or the time ran out) first."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if ready(line):
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            return lines
        if time.monotonic() > deadline:
            break
    process.kill()
    process.wait(timeout=60)
    raise AssertionError(
        "the process ended before the moment to kill it (make the input larger):\n"
        + "\n".join(lines[-20:])
    )


def kill_when_row(
    process: subprocess.Popen[str],
    scratch: Scratch,
    sql: str,
    *,
    seconds: float = COMMAND_TIMEOUT,
) -> None:
    """Poll the database; SIGKILL the process as soon as `sql` returns a row."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(
                f"the process ended ({process.returncode}) before the moment to kill it "
                f"(make the input larger):\n{out[-2000:]}\n{err[-2000:]}"
            )
        if scratch.query(sql):
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            return
        time.sleep(0.2)
    process.kill()
    process.wait(timeout=60)
    raise AssertionError(f"no row for {sql!r} within {seconds:.0f} s")


def wait_for_row(scratch: Scratch, sql: str, *, seconds: float = COMMAND_TIMEOUT) -> None:
    """Poll the database until `sql` returns a row."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if scratch.query(sql):
            return
        time.sleep(0.5)
    raise AssertionError(f"no row for {sql!r} within {seconds:.0f} s")
