"""The privacy tests' world: data protection officers at the hub and at the police, and a
breach recorded by the hub's officer. The frozen clock's default instant is Wednesday
2 December 2026 (tests/frozen_clock.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.accounts.models import User
from nestguard.privacy.models import Breach
from nestguard.privacy.services.breaches import breach_record
from tests.factories import UserFactory


@dataclass
class Officers:
    hub: User
    police: User
    personas: Personas


@pytest.fixture
def officers(personas: Personas) -> Officers:
    return Officers(
        hub=UserFactory(username="hub_dpo", agency=personas.hub, roles=["data_protection_officer"]),
        police=UserFactory(
            username="police_dpo", agency=personas.police, roles=["data_protection_officer"]
        ),
        personas=personas,
    )


def record(officer: User, *, hours_ago: float = 2, **changes: object) -> Breach:
    fields: dict[str, object] = {
        "summary": "Referral emailed to the wrong school",
        "what_happened": "A referral form was sent to a school with a similar name; recalled.",
        "data_involved": "A child's name, date of birth and the concern",
        "aware_at": timezone.now() - timedelta(hours=hours_ago),
        "people_affected": 1,
    }
    fields.update(changes)
    return breach_record(actor=officer, **fields)  # type: ignore[arg-type]


@pytest.fixture
def breach(officers: Officers) -> Breach:
    return record(officers.hub)


def client_as(user: User) -> Client:
    return sign_in(Client(), user)
