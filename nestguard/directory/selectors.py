"""Reads of the directory beyond the door's list: the directory as referrals use it, and a
service's earlier versions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access.door import visible
from nestguard.core.models import Revision
from nestguard.core.versioning import record_type
from nestguard.directory.eligibility import Eligibility
from nestguard.directory.models import Service


class Directory:
    """The services, read once (one query), by code: what onward referral pages and template
    tags need (`label`, `get`, the active services as `choices`)."""

    def __init__(self, services: list[Service]):
        self._by_code = {s.code: s for s in services}

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Service]:
        return iter(self._by_code.values())

    def get(self, code: str) -> Service:
        return self._by_code[code]

    def find(self, code: Any) -> Service | None:
        return self._by_code.get(code) if isinstance(code, str) else None

    def label(self, code: str) -> str:
        service = self._by_code.get(code)
        return service.name if service else code

    @property
    def active(self) -> list[Service]:
        return [s for s in self._by_code.values() if s.active]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(s.code, s.name) for s in self.active]


def directory(user: Any) -> Directory:
    """Every service the user may see (all of them: the directory holds no personal data),
    retired ones included so that old referrals still show their service's name."""
    return Directory(list(visible(user, Service).select_related("provider_agency")))


def eligibility(service: Service) -> Eligibility:
    return Eligibility.of(service)


def service_history(service: Service) -> list[Revision]:
    """The service's saves, newest first, with who made them and what changed."""
    return list(
        Revision.objects.filter(record_type=record_type(Service), record_id=service.pk)
        .select_related("changed_by")
        .order_by("-version")
    )
