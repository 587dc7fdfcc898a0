"""Who sees which notification: its own user only (a kind, a reference and a link, as the
email said; no personal data to audit a read of). Registered with the door from
`NotificationsConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.notifications.models import Notification


def own_notifications(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def register() -> None:
    door.register(door.Policy(Notification, own_notifications, read_event=None))
