"""A pathways world made through the services: a hub case about a child and an adult, the
police on its team; the hub and the police are first responder organisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from nestguard.cases.models import Case
from nestguard.cases.services.work import case_create, case_subject_record, case_team_add_agency
from nestguard.people.models import Person


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return born - timedelta(days=days)


def hours_ago(hours: float) -> datetime:
    return timezone.now() - timedelta(hours=hours)


@dataclass
class PathwaysWorld:
    personas: Any
    case: Case
    child: Person
    adult: Person


def make_world(personas: Any) -> PathwaysWorld:
    owner = personas.owner
    for agency in (personas.hub, personas.police):
        agency.is_first_responder = True
        agency.save(update_fields=["is_first_responder"])
    owner.agency.refresh_from_db()
    case = case_create(
        actor=owner, lead_agency=owner.agency, concern_types=["cce", "county_lines"],
        summary="A boy going missing, seen with older men at the station",
    )  # fmt: skip
    child = case_subject_record(
        actor=owner, case=case, role="victim", given_name="Kai", family_name="Missingtest",
        date_of_birth=years_ago(15, days=30),
    ).person  # fmt: skip
    adult = case_subject_record(
        actor=owner, case=case, role="victim", given_name="Dee", family_name="Adulttest",
        date_of_birth=years_ago(34),
    ).person  # fmt: skip
    case_team_add_agency(actor=owner, case=case, agency=personas.police)
    case.refresh_from_db()
    return PathwaysWorld(personas=personas, case=case, child=child, adult=adult)


@pytest.fixture
def pw(personas: Any) -> PathwaysWorld:
    return make_world(personas)
