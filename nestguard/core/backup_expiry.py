"""The seam between the operations app's backup rotation and the retention schedule
(decision 0111): operations deletes backups, retention says until when they are kept and
certifies what went. Neither imports the other: the retention app sets the policy when it
starts (`set_policy`), and the rotation (`operations.services.backups_rotate`) asks it.
Without a policy (retention not installed), the rotation expires nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class BackupPolicy(Protocol):
    def cutoff(self) -> datetime | None:
        """Backups made before this instant are past their period (None: keep them all)."""

    def certify(self, *, actor: Any, expired: list[tuple[str, datetime]]) -> Any:
        """Record the expired backups (file name, when made) on a disposal certificate."""


_POLICY: list[BackupPolicy] = []


def set_policy(policy: BackupPolicy) -> None:
    _POLICY[:] = [policy]


def policy() -> BackupPolicy | None:
    return _POLICY[0] if _POLICY else None
