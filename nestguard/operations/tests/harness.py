"""Real databases for the backup tests, and the nestguard command run as operators run it.

A backup is taken by another process (pg_dump) or of committed data, and restored into a
database that has no tables, so these tests cannot use pytest-django's test database (it
keeps each test in a transaction, and its audit table refuses the flush). Each database here
is new: an SQLite file in a temporary folder, or, when DATABASE_URL names PostgreSQL, a
database created on the same server and dropped at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.migrated import Template

REPO = Path(__file__).resolve().parents[3]


def nestguard_command() -> list[str]:
    script = Path(sys.executable).with_name("nestguard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "nestguard.manage"]


def postgres_outer() -> str | None:
    outer = os.environ.get("DATABASE_URL", "").strip()
    return outer if outer.startswith(("postgres://", "postgresql://")) else None


@dataclass
class Databases:
    """Creates new, empty databases of the engine the suite runs on; drops them all."""

    tmp: Path
    made: list[str] = field(default_factory=list)

    @property
    def engine(self) -> str:
        return "postgresql" if postgres_outer() else "sqlite"

    @property
    def extension(self) -> str:
        return ".pgdump" if postgres_outer() else ".sqlite3"

    def new(self, label: str) -> str:
        outer = postgres_outer()
        if outer is None:
            return f"sqlite:///{self.tmp / f'{label}-{secrets.token_hex(3)}.sqlite3'}"
        name = f"ng_backup_test_{label}_{secrets.token_hex(3)}"
        self._admin(outer, f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return urlunsplit(urlsplit(outer)._replace(path=f"/{name}"))

    def copy_of(self, template: Template, label: str) -> str:
        """A new database that is a copy of the pass's migrated template (decision 0132)."""
        outer = postgres_outer()
        if outer is None:
            return template.copy_to(
                f"sqlite:///{self.tmp / f'{label}-{secrets.token_hex(3)}.sqlite3'}"
            )
        name = f"ng_backup_test_{label}_{secrets.token_hex(3)}"
        self.made.append(name)
        return template.copy_to(urlunsplit(urlsplit(outer)._replace(path=f"/{name}")))

    def drop_all(self) -> None:
        outer = postgres_outer()
        if outer is None:
            return
        for name in self.made:
            self._admin(outer, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @staticmethod
    def _admin(outer: str, statement: str) -> None:
        import psycopg

        parts = urlsplit(outer)
        with psycopg.connect(
            dbname="postgres",
            autocommit=True,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
        ) as conn:
            conn.execute(statement)  # type: ignore[arg-type]


@dataclass
class Nestguard:
    """`nestguard <command>` against one database, with its own backup and anchor folders."""

    database_url: str
    backup_dir: Path
    anchor_dir: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "nestguard.settings.test",
            "DATABASE_URL": self.database_url,
            "NESTGUARD_BACKUP_DIR": str(self.backup_dir),
            "NESTGUARD_AUDIT_ANCHOR_DIR": str(self.anchor_dir),
            "PYTHONPATH": str(REPO),  # the synthetic data comes from tests.factories
        }
        return {**env, **extra}

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [*nestguard_command(), *args],
            env=self.env(**extra),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def ok(self, *args: str, **extra: str) -> str:
        done = self.run(*args, **extra)
        assert done.returncode == 0, f"nestguard {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def python(self, code: str) -> Any:
        """Run Django code against this database; it prints one JSON value, returned here."""
        return json.loads(self.ok("shell", "--no-imports", "-c", code).strip().splitlines()[-1])

    def with_database(self, database_url: str) -> Nestguard:
        return Nestguard(database_url, self.backup_dir, self.anchor_dir)


# Synthetic partnership: agencies, users and people through the factories, and audit events
# enough to make a backup of some size (about 2 MB on SQLite).
POPULATE = """
import json
from nestguard.audit.services import audit_record
from tests.factories import AgencyFactory, PersonFactory, UserFactory
agency = AgencyFactory(name="Northbrook Exploitation Hub")
users = [UserFactory(agency=agency) for _ in range(5)]
people = [PersonFactory() for _ in range(40)]
for n in range(1500):
    audit_record(actor=users[n % 5], action="auth.sign_in", obj=users[n % 5],
                 details={"n": n, "note": "synthetic " * 20})
print(json.dumps("ok"))
"""

# Every row of every table, as dumpdata gives it, and the audit trail apart (restoring
# appends its own event).
DUMP = """
import io, json
from django.core.management import call_command
def dump(*labels, **options):
    out = io.StringIO()
    call_command("dumpdata", *labels, stdout=out, **options)
    return json.loads(out.getvalue())
print(json.dumps({"rows": dump(exclude=["audit.AuditEvent"]), "events": dump("audit.AuditEvent")}))
"""

DRILLS = """
import json
from nestguard.audit.models import AuditEvent
from nestguard.operations.models import RestoreDrill
print(json.dumps({
    "drills": list(RestoreDrill.objects.order_by("id").values(
        "passed", "backup_name", "differences", "tables_compared", "events_verified")),
    "events": AuditEvent.objects.filter(action="operations.restore_drill").count(),
}))
"""

TAMPER_FIRST_EVENT = """
import json
from django.db import connection
with connection.cursor() as c:
    if connection.vendor == "sqlite":
        c.execute("DROP TRIGGER audit_event_no_update")
    else:
        c.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
    c.execute("SELECT MIN(id) FROM audit_auditevent")
    first = c.fetchone()[0]
    c.execute("UPDATE audit_auditevent SET purpose = 'edited' WHERE id = %s", [first])
print(json.dumps(first))
"""

ENQUEUE_BACKUP_AND_DRILLS = """
import json
from django.utils import timezone
from nestguard.jobs import enqueue
from nestguard.operations.jobs import WEEKDAYS
today = WEEKDAYS[timezone.localdate().weekday()]
other = WEEKDAYS[(timezone.localdate().weekday() + 1) % 7]
runs = [enqueue("operations.backup"), enqueue("operations.restore_drill", weekday=today),
        enqueue("operations.restore_drill", weekday=other)]
print(json.dumps([str(run.pk) for run in runs]))
"""

RUNS = """
import json
from nestguard.jobs.models import JobRun
ids = {ids}
runs = {{str(r.pk): r for r in JobRun.objects.filter(pk__in=ids)}}
print(json.dumps([[runs[i].name, runs[i].status, runs[i].summary, runs[i].failure_reason]
                  for i in ids]))
"""
