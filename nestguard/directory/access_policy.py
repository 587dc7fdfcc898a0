"""Who sees the services directory: every signed-in user (services, providers and their rules,
no personal data, so reading it is not audited). Registered with the door from
`DirectoryConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.directory.models import Service


def visible_services(user: Any) -> QuerySet[Service]:
    return Service.objects.all()


def register() -> None:
    door.register(door.Policy(Service, visible=visible_services, read_event=None))
