"""Audit event types of the operations app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("operations.backup", "Made a backup of the database")
register("operations.restore", "Restored a backup into an empty database")
register("operations.restore_drill", "Ran a restore drill on the latest backup")
