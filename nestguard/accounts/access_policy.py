"""Who reads the partnership's own records (users, agencies, sharing agreements) one at a
time: administrators, for administering. Registered with the door from `AccountsConfig.ready`.

A user's account is personal data about a member of staff, so an administrator opening one
is recorded (`user.view`); agencies and agreements describe organisations and are not.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.accounts.models import Agency, Role, SharingAgreement, User


def _administers(user: Any) -> bool:
    return bool(user.has_role(Role.ADMIN))


def visible_users(user: Any) -> QuerySet[User]:
    return User.objects.all() if _administers(user) else User.objects.none()


def visible_agencies(user: Any) -> QuerySet[Agency]:
    return Agency.objects.all() if _administers(user) else Agency.objects.none()


def visible_agreements(user: Any) -> QuerySet[SharingAgreement]:
    if not _administers(user):
        return SharingAgreement.objects.none()
    return SharingAgreement.objects.prefetch_related("parties")


def register() -> None:
    door.register(
        door.Policy(User, visible=visible_users, read_event="user.view", related=("agency",))
    )
    door.register(door.Policy(Agency, visible=visible_agencies, read_event=None))
    door.register(door.Policy(SharingAgreement, visible=visible_agreements, read_event=None))
