"""Backups and restores as the commands (and the job queue) run them, each recorded in the
audit trail. The work itself is in `backup.py`; the drill is in `drill.py`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nestguard.audit.services import audit_record
from nestguard.core import backup_expiry
from nestguard.operations.backup import (
    Manifest,
    backup_create,
    backup_dir,
    backup_restore,
    backups_complete,
    manifest_path,
)


def backup_make(*, actor: Any = None, output: Path | None = None) -> tuple[Path, Manifest]:
    """Make a backup, then record that it was made (the event is not in the backup itself)."""
    path, manifest = backup_create(output=output)
    audit_record(
        actor=actor,
        action="operations.backup",
        details={
            "file": path.name,
            "engine": manifest.engine,
            "size": manifest.size,
            "sha256": manifest.sha256,
            "tables": len(manifest.tables),
        },
    )
    return path, manifest


def backup_restore_recorded(*, backup: Path, actor: Any = None) -> tuple[Manifest, dict[str, int]]:
    """Restore into the empty configured database, then record the restore in its trail,
    continuing the restored chain."""
    manifest, restored = backup_restore(backup=backup)
    audit_record(
        actor=actor,
        action="operations.restore",
        details={"file": backup.name, "sha256": manifest.sha256, "made": manifest.created_at},
    )
    return manifest, restored


def backups_rotate(*, actor: Any = None, folder: Path | None = None) -> list[str]:
    """Delete the backups past the retention schedule's period (decision 0111), never the
    newest complete one, and have the schedule certify them. Returns the names deleted."""
    rule = backup_expiry.policy()
    cutoff = rule.cutoff() if rule is not None else None
    if rule is None or cutoff is None:
        return []
    complete = backups_complete(folder or backup_dir())
    expired: list[tuple[str, Any]] = []
    # The newest complete backup stays whatever its age: a restore needs one.
    for path, manifest in complete[1:]:
        if manifest is None or manifest.created >= cutoff:
            continue
        path.unlink(missing_ok=True)
        manifest_path(path).unlink(missing_ok=True)
        expired.append((path.name, manifest.created))
    if expired:
        rule.certify(actor=actor, expired=expired)
    return [name for name, _ in expired]
