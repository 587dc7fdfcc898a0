"""The prevention tests' world: two housing agencies with caseworkers, supervisors and a
referrer, register addresses, and helpers to send signals and build a week's list.

The frozen clock's default instant is Wednesday 2 December 2026, so this week starts on
Monday 30 November 2026 and its list counts signals observed up to Sunday 29 November.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from conftest import Personas, sign_in
from nestguard.accounts.models import Agency, User
from nestguard.accounts.services import api_token_create
from nestguard.places.models import Address
from nestguard.prevention.models import PreventionEntry
from nestguard.prevention.services.signals import housing_signals_import
from nestguard.prevention.services.weekly import prevention_list_build
from tests.factories import AddressFactory, AgencyFactory, UserFactory

MONDAY = date(2026, 11, 30)
HEADER = "uprn,signal,observed_on,amount,notes\n"


@dataclass
class Housing:
    council: Agency
    brookside: Agency
    caseworker: User
    supervisor: User
    referrer: User
    other_caseworker: User
    homes: list[Address]

    def send(self, lines: list[str], agency: Agency | None = None) -> list[Any]:
        """Signals as a CSV file from the council (or `agency`)."""
        return housing_signals_import(
            actor=None,
            agency=agency or self.council,
            stream=io.StringIO(HEADER + "".join(f"{line}\n" for line in lines)),
            source_name="test.csv",
        )

    def listed(self, agency: Agency | None = None, week: date = MONDAY) -> PreventionEntry:
        prevention_list_build(actor=None, week_start=week)
        return PreventionEntry.objects.get(agency=agency or self.council, week_start=week)


def qualifying_lines(uprn: str) -> list[str]:
    """Two key requests and a visitor complaint: 2 + 2 + 2 = 6, over the threshold of 5."""
    return [
        f"{uprn},key_or_fob_request,2026-11-20,,",
        f"{uprn},key_or_fob_request,2026-11-27,,new fob for the back door",
        f"{uprn},visitor_complaint,2026-11-28,,",
    ]


@pytest.fixture
def housing(personas: Personas) -> Housing:
    council = AgencyFactory(name="Northbrook Council Housing", type="housing")
    brookside = AgencyFactory(name="Brookside Homes", type="housing_association")
    homes = [
        AddressFactory(uprn=f"55000000000{n}", line1=f"{n} Mill Lane", postcode="NB2 4CD")
        for n in range(1, 5)
    ]
    return Housing(
        council=council,
        brookside=brookside,
        caseworker=UserFactory(
            username="housing_cw", agency=council, roles=["caseworker", "referrer"]
        ),
        supervisor=UserFactory(username="housing_sup", agency=council, roles=["supervisor"]),
        referrer=UserFactory(username="housing_ref", agency=council, roles=["referrer"]),
        other_caseworker=UserFactory(
            username="brookside_cw", agency=brookside, roles=["caseworker"]
        ),
        homes=homes,
    )


def client_as(user: User) -> Client:
    return sign_in(Client(), user)


def token_client(user: User) -> Client:
    _, plain = api_token_create(actor=None, user=user)
    return Client(headers={"Authorization": f"Bearer {plain}"})
