"""Shared set-up of the places tests: a register address with the hub's case there (the
police on its team), built with the test builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from nestguard.cases.models import Case
from nestguard.people.models import Person
from nestguard.people.tests.builders import make_case
from nestguard.places.models import Address, WarningMarker
from nestguard.places.services.warnings import warning_place
from tests.factories import AddressFactory, PersonFactory


@dataclass
class Home:
    address: Address
    case: Case
    victim: Person


@pytest.fixture
def home(personas: Any) -> Home:
    address = AddressFactory(
        uprn="770000000001",
        line1="Flat 3, 14 Canal Street",
        postcode="NB1 2AB",
        postcode_key="NB12AB",
        easting=402_000,
        northing=397_000,
        latitude=53.47,
        longitude=-1.97,
        tenure="private_rented",
    )
    victim = PersonFactory(given_name="Jay", family_name="Okafor")
    case = make_case(
        lead_agency=personas.hub,
        subjects=[(victim, "victim")],
        team_agencies=[personas.police],
        addresses=[address],
    )
    case.concern_types = ["cuckooing"]
    case.save(update_fields=["concern_types"])
    return Home(address=address, case=case, victim=victim)


def place_marker(actor: Any, address: Address, **overrides: Any) -> WarningMarker:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "category": "violence",
        "level": "high",
        "advice": "Do not visit alone; call ahead.",
        "contact": "Northbrook Police neighbourhood team, 101",
        "review_on": today + timedelta(days=30),
        "expires_on": today + timedelta(days=90),
    }
    values.update(overrides)
    return warning_place(actor=actor, address=address, **values)


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)
