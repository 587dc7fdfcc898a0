"""What admins see of the backups: the result of each restore drill.

A drill is kept outside the audit chain (as `audit.ChainCheck` is), so that a drill that
finds a broken chain can still be reported; each drill is also an audit event.
"""

from __future__ import annotations

from django.db import models


class RestoreDrill(models.Model):
    """One restore of the latest backup into a scratch database, checked and thrown away."""

    id = models.BigAutoField(primary_key=True)
    started_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveBigIntegerField()
    passed = models.BooleanField()
    # The backup restored: its file name (not the folder) and when it was made, from its
    # manifest. Blank when no usable backup was found.
    backup_name = models.CharField(max_length=255, blank=True)
    backup_created_at = models.DateTimeField(null=True, blank=True)
    engine = models.CharField(max_length=20, blank=True)
    tables_compared = models.PositiveIntegerField(default=0)
    events_verified = models.PositiveBigIntegerField(default=0)
    # Plain sentences, one per finding ("cases_case: 12 rows in the manifest, 11 restored").
    # Table names and counts only: never a row's contents.
    differences = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return (
            f"restore drill {self.started_at:%Y-%m-%d %H:%M}: {'pass' if self.passed else 'fail'}"
        )
