"""Cases made through the services, as a worker would make them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from nestguard.cases.models import Case
from nestguard.cases.services.work import (
    case_create,
    case_subject_record,
    case_team_add_agency,
)
from nestguard.people.models import Person


def make_case(owner, *, summary: str = "Signs of cuckooing at a ground floor flat") -> Case:
    return case_create(
        actor=owner, lead_agency=owner.agency, concern_types=["cuckooing"], summary=summary
    )


def add_person(owner, case: Case, role: str = "victim", **fields) -> Person:
    fields.setdefault("given_name", "Alex")
    fields.setdefault("family_name", "Testperson")
    subject = case_subject_record(actor=owner, case=case, role=role, **fields)
    return subject.person


@dataclass
class CaseWorld:
    case: Case
    victim: Person


@pytest.fixture
def world(personas) -> CaseWorld:
    """A hub case with a victim and the police (partner under agreement) on its team."""
    case = make_case(personas.owner)
    victim = add_person(personas.owner, case, date_of_birth=date(1970, 5, 1))
    case_team_add_agency(actor=personas.owner, case=case, agency=personas.police)
    case.refresh_from_db()
    return CaseWorld(case=case, victim=victim)
