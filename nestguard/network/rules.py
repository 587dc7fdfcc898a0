"""Who may open the network at all (decision 0099): its pages' access rule. What each viewer
sees there is the door's (`access_policy.py`)."""

from __future__ import annotations

from typing import Any

from nestguard.access.rules import NETWORK_ROLES

__all__ = ["NETWORK_ROLES", "may_see_network"]


def may_see_network(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*NETWORK_ROLES))
