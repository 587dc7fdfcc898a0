"""The restore drill: restore the latest backup into a scratch database, check it, record it.

A backup nobody has restored is a hope, not a backup. The drill takes the newest complete
backup in NESTGUARD_BACKUP_DIR, checks its manifest and checksum, restores it into a new
empty database (a temporary SQLite file, or a PostgreSQL database created for the drill and
dropped after), walks the restored audit chain with the key and the anchors it should
agree with, compares every table's row count with the manifest, and keeps the result
(`RestoreDrill`) where administrators see it. A plain function, so the job queue and the
command call the same code.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from nestguard.audit.anchors import AnchorError, anchors_read
from nestguard.audit.models import AuditEvent
from nestguard.audit.services import audit_record
from nestguard.audit.verify import verify_chain
from nestguard.operations.backup import (
    BackupError,
    Manifest,
    backup_check,
    backup_dir,
    backups_complete,
    count_differences,
    engine_of,
    restore_unchecked,
    scratch_database,
)
from nestguard.operations.models import RestoreDrill


def restore_drill_run(*, actor: Any = None, folder: Path | None = None) -> RestoreDrill:
    """Drill the newest complete backup in `folder` (the backup folder by default)."""
    folder = folder or backup_dir()
    started_at = timezone.now()
    began = time.monotonic()
    outcome = _Outcome()
    backups = backups_complete(folder)
    if not backups:
        outcome.differences.append(f"no complete backup was found in {folder}")
    else:
        backup, _ = backups[0]
        outcome.backup_name = backup.name
        try:
            manifest = backup_check(backup)
        except BackupError as exc:
            outcome.differences.append(str(exc))
        else:
            outcome.manifest = manifest
            _drill(backup, manifest, outcome)
    duration_ms = int((time.monotonic() - began) * 1000)
    with transaction.atomic():
        drill = RestoreDrill.objects.create(
            started_at=started_at,
            duration_ms=duration_ms,
            passed=not outcome.differences,
            backup_name=outcome.backup_name,
            backup_created_at=outcome.manifest.created if outcome.manifest else None,
            engine=outcome.manifest.engine if outcome.manifest else "",
            tables_compared=outcome.tables_compared,
            events_verified=outcome.events_verified,
            differences=outcome.differences,
        )
        audit_record(
            actor=actor,
            action="operations.restore_drill",
            object_type="restoredrill",
            object_id=str(drill.pk),
            details={
                "passed": drill.passed,
                "backup": drill.backup_name,
                "tables_compared": drill.tables_compared,
                "events_verified": drill.events_verified,
                "differences": len(drill.differences),
            },
        )
    return drill


class _Outcome:
    def __init__(self) -> None:
        self.backup_name = ""
        self.manifest: Manifest | None = None
        self.tables_compared = 0
        self.events_verified = 0
        self.differences: list[str] = []


def _drill(backup: Path, manifest: Manifest, outcome: _Outcome) -> None:
    try:
        engine = engine_of()
    except BackupError as exc:
        outcome.differences.append(str(exc))
        return
    with tempfile.TemporaryDirectory(prefix="nestguard-drill-") as scratch_folder:
        try:
            with scratch_database(engine, Path(scratch_folder)) as alias:
                try:
                    restored = restore_unchecked(backup=backup, manifest=manifest, using=alias)
                except BackupError as exc:
                    outcome.differences.append(str(exc))
                    return
                outcome.tables_compared = len(set(manifest.tables) | set(restored))
                outcome.differences.extend(count_differences(manifest.tables, restored))
                _verify_restored_chain(alias, outcome)
        except Exception as exc:
            outcome.differences.append(f"the drill could not run: {type(exc).__name__}: {exc}")


def _verify_restored_chain(alias: str, outcome: _Outcome) -> None:
    """The restored chain, with the key, against the anchors of events it should contain
    (anchors written after the backup name later events, which it cannot have)."""
    last = AuditEvent.objects.using(alias).order_by("-id").values_list("id", flat=True).first()
    try:
        anchors = [a for a in anchors_read() if last is not None and a.event_id <= last]
    except AnchorError as exc:
        outcome.differences.append(f"the anchors could not be read: {exc}")
        anchors = []
    report = verify_chain(anchors=anchors, using=alias)
    outcome.events_verified = report.checked
    if not report.intact:
        outcome.differences.append(
            f"the restored audit chain is broken at event {report.first_broken_id}: "
            f"{report.reason} ({report.checked} events before it verify)"
        )
