"""Reads of the notifications app: a user's own preference and what was sent to them."""

from __future__ import annotations

from typing import Any

from nestguard.access import door
from nestguard.notifications.models import Delivery, Notification


def delivery_of(user: Any) -> str:
    """The user's choice, or the default (the daily summary)."""
    preference = getattr(user, "notification_preference", None)
    return preference.delivery if preference is not None else Delivery.DAILY_DIGEST


def recently_sent(user: Any, limit: int = 10) -> list[Notification]:
    """What was last emailed to the user (kinds and references only, as the emails say)."""
    return list(
        door.visible(user, Notification).filter(sent_at__isnull=False).order_by("-sent_at")[:limit]
    )
