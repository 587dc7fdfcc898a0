"""A small seeded borough for the reporting tests, loaded once for the package and rolled
back after it (as tests/test_query_plans.py does), with a user for every role.

The borough outlives each test that uses it (it lasts until the package's last test), so a
test of the package that makes the suite's personas (the root conftest.py, which creates
them rather than looks them up, decision 0128) can run while it is there: its agencies and
users take names of their own (SEEDED_PREFIX), never the personas' ("Northbrook Police",
"admin", "auditor") nor a name a test gives its own user ("analyst")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat

from nestguard.accounts.models import Agency, User
from nestguard.demo.seed import seed_borough
from tests.factories import UserFactory

# The borough's "now": its history runs up to here (the frozen test clock is a day later).
SEEDED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
START, END = date(2025, 12, 1), date(2026, 11, 30)
# Periods the day aggregates are reconciled over: the world's year, a quarter, four weeks
# across 25 October 2026 (the clocks went back: a UK day of 25 hours), and a month.
PERIODS = (
    (START, END),
    (date(2026, 9, 1), date(2026, 11, 29)),
    (date(2026, 10, 12), date(2026, 11, 8)),
    (date(2026, 3, 1), date(2026, 3, 31)),
)
SCALE = 0.4
# Put before the seeded borough's agency names and usernames (see above).
SEEDED_PREFIX = "seeded."
ALLOWED = ("analyst", "supervisor", "partnership_manager")
REFUSED = ("caseworker", "referrer", "panel_chair", "auditor", "admin", "linkage_reviewer")


@dataclass(frozen=True)
class World:
    users: dict[str, User]  # by role
    # A second analyst at another agency: the picture must not depend on who looks.
    other_analyst: User


class _Rollback(Exception):
    pass


@pytest.fixture(scope="package")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                agencies_before = set(Agency.objects.values_list("pk", flat=True))
                users_before = set(User.objects.values_list("pk", flat=True))
                seed_borough(scale=SCALE, now=SEEDED_AT)
                _names_of_its_own(agencies_before, users_before)
                agencies = list(Agency.objects.order_by("name")[:2])
                users = {
                    role: UserFactory(username=f"rep_{role}", agency=agencies[0], roles=[role])
                    for role in (*ALLOWED, *REFUSED)
                }
                other = UserFactory(
                    username="rep_other_analyst", agency=agencies[1], roles=["analyst"]
                )
                yield World(users=users, other_analyst=other)
                raise _Rollback
        except _Rollback:
            pass


def _names_of_its_own(agencies_before: set[Any], users_before: set[Any]) -> None:
    """Prefix the seeded borough's agency names and usernames with SEEDED_PREFIX."""
    seeded_agencies = Agency.objects.exclude(pk__in=agencies_before)
    seeded_agencies.update(name=Concat(Value(SEEDED_PREFIX), "name"))
    User.objects.exclude(pk__in=users_before).update(
        username=Concat(Value(SEEDED_PREFIX), "username")
    )
