"""A panel world made through the services, as a chair and caseworkers would make it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import timezone

from nestguard.accounts.models import User
from nestguard.cases.models import Case
from nestguard.cases.services.work import case_create, case_subject_record
from nestguard.panels.models import Meeting, Panel
from nestguard.panels.services.meetings import meeting_schedule
from nestguard.panels.services.panels import panel_create, panel_member_add
from nestguard.people.models import Person
from nestguard.risk.services import assessment_record
from nestguard.risk.tests.test_scoring import CCE, answers_totalling
from tests.factories import UserFactory


def child_case(owner: User, *, score: int = 45, family_name: str = "Childperson") -> Case:
    """A child exploitation case led by the owner's agency, assessed at `score` (45: high)."""
    case = case_create(
        actor=owner, lead_agency=owner.agency, concern_types=["cce"], summary="Going missing"
    )
    case_subject_record(
        actor=owner,
        case=case,
        role="victim",
        given_name="Jamie",
        family_name=family_name,
        date_of_birth=date(2011, 3, 4),
    )
    assert CCE is not None
    assessment_record(
        actor=owner, case=case, instrument=CCE, stage="initial",
        answers=answers_totalling(CCE, score),
    )  # fmt: skip
    case.refresh_from_db()
    return case


@dataclass
class PanelWorld:
    chair: User
    panel: Panel
    meeting: Meeting
    case: Case
    child: Person


@pytest.fixture
def chair(personas) -> User:
    return UserFactory(username="chair", agency=personas.hub, roles=["panel_chair"])


@pytest.fixture
def panel_world(personas, chair) -> PanelWorld:
    case = child_case(personas.owner)
    panel = panel_create(actor=chair, name="Northbrook MACEMM", meeting_type="macemm")
    panel_member_add(actor=chair, panel=panel, agency=personas.police)
    meeting = meeting_schedule(actor=chair, panel=panel, meets_on=timezone.localdate())
    child = case.subjects.get().person
    return PanelWorld(chair=chair, panel=panel, meeting=meeting, case=case, child=child)
