"""One migrated database a pass, copied wherever a test needs a migrated database (decision 0132).

A pass used to run the migrations about seven times (13 to 14 s of CPU each): once per xdist
worker for its test database, and once each for the browser journeys' server, the fault
tests, backup and restore's live instance and the job queue's restart database. Now the first
process of the pass that needs a migrated database runs `nestguard migrate` once, into the
pass's template (an SQLite file, or a PostgreSQL database of a random name on the server
DATABASE_URL names), under a file lock so that the other workers wait for it rather than build
their own, and everything else copies it: SQLite with the backup API (a consistent copy
whatever the template's journal), PostgreSQL with `CREATE DATABASE ... TEMPLATE`.

The template is built fresh every pass, never reused from another: it lives in the pass's own
temporary folder (the xdist controller's base folder, which each worker's folder is inside, or
the base folder itself without xdist), and a PostgreSQL template is dropped when the pass ends
(by the controller, after every worker has finished). So a template can never be older than
the migrations, the seeded reference data or the code that wrote them.

It is migrated at the machine's clock, like the test databases before: a session fixture is
set up before the test's frozen clock (tests/frozen_clock.py) travels.

Loaded by the root conftest.py, which makes pytest-django's test database a copy of it.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
STATE = "migrated-template.json"
LOCK = "migrated-template.lock"
MIGRATE_TIMEOUT = 900  # a loaded CI machine: 47 s measured, far more if the disk stalls


def postgres_server() -> str | None:
    """DATABASE_URL when it names a PostgreSQL server, or None (SQLite)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_database(url: str, name: str) -> str:
    """The same server's URL with another database name."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(server: str) -> Any:
    import psycopg

    parts = urlsplit(with_database(server, "postgres"))
    return psycopg.connect(urlunsplit(("postgresql", *parts[1:])), autocommit=True)


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


@dataclass(frozen=True)
class Template:
    """The pass's migrated database, and how to make copies of it."""

    url: str

    @property
    def postgres(self) -> bool:
        return self.url.startswith(("postgres://", "postgresql://"))

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    def copy_to(self, url: str) -> str:
        """Make the database at `url` a copy of the template (a PostgreSQL database must not
        exist yet; an SQLite file is replaced) and return `url`."""
        if self.postgres:
            name = urlsplit(url).path.lstrip("/")
            with _admin(self.url) as admin:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"'.encode())
        else:
            target = _sqlite_path(url)
            target.unlink(missing_ok=True)
            destination = sqlite3.connect(target)
            try:
                self.copy_into_sqlite(destination)
            finally:
                destination.close()
        return url

    def copy_into_sqlite(self, destination: sqlite3.Connection) -> None:
        """Copy the SQLite template into an open connection (an in-memory test database)."""
        source = sqlite3.connect(f"file:{_sqlite_path(self.url)}?mode=ro", uri=True)
        try:
            source.backup(destination)
        finally:
            source.close()


def pass_folder(config: pytest.Config) -> Path:
    """The folder every process of this pass shares and no other pass sees."""
    base = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return base.parent if hasattr(config, "workerinput") else base


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with (folder / LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "nestguard.settings.test"}
    done = subprocess.run(
        [sys.executable, "-m", "nestguard.manage", "migrate", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=MIGRATE_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"migrating the pass's template failed ({done.returncode}):\n{done.stdout}\n"
            f"{done.stderr}"
        )


def _build(folder: Path) -> Template:
    server = postgres_server()
    if server is None:
        template = Template(f"sqlite:///{folder / 'migrated-template.sqlite3'}")
        _sqlite_path(template.url).unlink(missing_ok=True)
    else:
        template = Template(with_database(server, f"ng_migrated_{secrets.token_hex(6)}"))
        # Written before the database exists, so the end of the pass drops even a half-built one.
        (folder / STATE).write_text(json.dumps({"url": template.url, "ready": False}))
        with _admin(server) as admin:
            admin.execute(f'CREATE DATABASE "{template.name}"'.encode())
    _migrate(template.url)
    (folder / STATE).write_text(json.dumps({"url": template.url, "ready": True}))
    return template


def migrated_template_for(config: pytest.Config) -> Template:
    """The pass's template, migrated by whichever process asks first."""
    folder = pass_folder(config)
    with _locked(folder):
        state = folder / STATE
        if state.exists():
            recorded = json.loads(state.read_text())
            if recorded["ready"]:
                return Template(recorded["url"])
        return _build(folder)


@pytest.fixture(scope="session")
def migrated_template(request: pytest.FixtureRequest) -> Template:
    """The pass's migrated database, to copy (`.copy_to(url)`), never to write to."""
    return migrated_template_for(request.config)


def install_test_database(connection: Any, template: Template) -> Callable[[], None]:
    """Make the Django connection's test database a copy of the template, as Django's
    `create_test_db` would have made it by migrating (an in-memory SQLite database unless the
    settings name a file; on PostgreSQL `test_<name>` with the worker's suffix, any left by an
    interrupted pass replaced). Return what tears it down."""
    from django.conf import settings

    alias = connection.alias
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    connection.close()
    if template.postgres:
        with _admin(template.url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)'.encode())
        template.copy_to(with_database(template.url, test_name))
    settings.DATABASES[alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    if not template.postgres:
        if not connection.is_in_memory_db():
            Path(test_name).unlink(missing_ok=True)
        connection.ensure_connection()
        template.copy_into_sqlite(connection.connection)

    def teardown() -> None:
        connection.close()  # (an in-memory SQLite database stays open, as in Django's own)
        if template.postgres:
            with _admin(template.url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)'.encode())
        elif not connection.is_in_memory_db():
            Path(test_name).unlink(missing_ok=True)
        settings.DATABASES[alias]["NAME"] = old_name
        connection.settings_dict["NAME"] = old_name

    return teardown


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the pass's PostgreSQL template, once every process is done with it: in the xdist
    controller (which runs no tests), or in the only process without xdist."""
    config = session.config
    if hasattr(config, "workerinput"):
        return
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None or getattr(factory, "_basetemp", None) is None:
        return  # no temporary folder was made: no template either
    state = factory.getbasetemp() / STATE
    if not state.exists():
        return
    template = Template(json.loads(state.read_text())["url"])
    if template.postgres:
        with _admin(template.url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template.name}" WITH (FORCE)'.encode())
    state.unlink()
