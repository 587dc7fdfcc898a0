"""Who opens the jobs pages: administrators (every run) and linkage reviewers (the runs they
started); the door decides which runs each sees (access_policy.py)."""

from typing import Any

from nestguard.access.rules import roles
from nestguard.accounts.models import Role

JOB_WATCHING = roles(Role.ADMIN, Role.LINKAGE_REVIEWER)


def sees_every_run(user: Any) -> bool:
    """Administrators see every run, and start jobs by hand; others see the runs they started."""
    return bool(user and user.is_authenticated and user.has_role(Role.ADMIN))
