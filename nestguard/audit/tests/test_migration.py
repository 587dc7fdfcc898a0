"""Migrating to the keyed chain keeps every event already recorded verifiable, and keeps the
table append-only (on SQLite, adding the columns rebuilds the table and its triggers)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from nestguard.audit.models import AuditEvent, HashScheme
from nestguard.audit.services import GENESIS_HASH, audit_record, expected_hash
from nestguard.audit.verify import verify_chain

BEFORE = [("audit", "0002_append_only_triggers")]
AFTER = [("audit", "0004_retention_payload_redaction")]
triggers = importlib.import_module("nestguard.audit.migrations.0002_append_only_triggers")
# The triggers as they stand after the latest migration (0004 permits only the redaction).
redaction = importlib.import_module("nestguard.audit.migrations.0004_retention_payload_redaction")
DROP = {"sqlite": triggers.SQLITE_DROP, "postgresql": triggers.POSTGRES_DROP}
CREATE = {
    "sqlite": redaction.SQLITE_CREATE,
    "postgresql": triggers.POSTGRES_CREATE + redaction.POSTGRES_CREATE,
}


def run(statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements[connection.vendor]:
            cursor.execute(statement)


@pytest.fixture
def triggers_back_after_flush(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test ends by emptying every table, which the audit table's triggers
    refuse: `triggers_off_for_flush` drops them before the emptying and this puts them back
    after it (requested before `transactional_db`, so torn down after it)."""
    yield
    with django_db_blocker.unblock():
        run(CREATE)


@pytest.fixture
def triggers_off_for_flush(transactional_db: None) -> Iterator[None]:
    yield
    run(DROP)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def test_events_written_before_the_key_keep_verifying_after_the_migration(
    triggers_back_after_flush: None, triggers_off_for_flush: None
) -> None:
    old_model = migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("audit", "AuditEvent")
    prev = GENESIS_HASH
    try:
        for n in range(3):
            # The fields and hash exactly as the code before the migration wrote them.
            event = AuditEvent(
                occurred_at=timezone.now(),
                actor_label="system",
                action="demo.seed",
                details={"n": n},
                hash_scheme=HashScheme.SHA256,
                prev_hash=prev,
            )
            event.hash = expected_hash(event)
            old_model.objects.create(
                occurred_at=event.occurred_at,
                actor_label="system",
                action="demo.seed",
                details={"n": n},
                prev_hash=prev,
                hash=event.hash,
            )
            prev = event.hash
    finally:
        migrate(AFTER)

    assert set(AuditEvent.objects.values_list("hash_scheme", flat=True)) == {HashScheme.SHA256}
    audit_record(actor=None, action="demo.seed", purpose="the first keyed event")
    report = verify_chain()
    assert report.intact and report.checked == 4
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None and last.hash_scheme == HashScheme.HMAC_SHA256_PAYLOAD_DIGEST
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(purpose="edited")
