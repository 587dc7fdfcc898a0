"""A Prevent world: the council's Prevent team (a team of the hub agency) named as the Prevent
lead, and a case led by the hub with the police on its team, about a boy of 14 and his
mother, with the radicalisation concern."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conftest import Personas
from nestguard.accounts.models import Team, User
from nestguard.cases.models import Case
from nestguard.channel.models import PreventReferral
from nestguard.channel.services.prevent import prevent_lead_name, prevent_referral_make
from nestguard.people.models import Person
from nestguard.people.tests.builders import make_case
from tests.factories import PersonFactory, UserFactory


@dataclass
class PreventWorld:
    personas: Personas
    team: Team
    officer: User  # a caseworker of the Prevent team
    police_colleague: User  # another police caseworker, of the referrer's agency
    case: Case
    child: Person
    adult: Person

    def refer(self, person: Person | None = None, **overrides: Any) -> PreventReferral:
        values: dict[str, Any] = {
            "ideology": "extreme_right_wing",
            "signs": ["extremist_material", "us_and_them"],
            "concern": "Shared a far-right video in the class group chat and praised it.",
        }
        values.update(overrides)
        return prevent_referral_make(
            self.personas.partner, person=person or self.child, case=self.case, **values
        )


@pytest.fixture
def pworld(personas: Personas) -> PreventWorld:
    team = Team.objects.create(agency=personas.hub, name="Prevent team")
    officer = UserFactory(username="prevent_officer", agency=personas.hub, roles=["caseworker"])
    team.members.add(officer)
    prevent_lead_name(personas.admin, agency=personas.hub, team=team)
    child = PersonFactory(given_name="Jordan", family_name="Pike", date_of_birth=None,
                          age_estimate=14)  # fmt: skip
    adult = PersonFactory(given_name="Sam", family_name="Pike", date_of_birth=None,
                          age_estimate=41)  # fmt: skip
    case = make_case(
        lead_agency=personas.hub,
        subjects=[(child, "victim"), (adult, "victim")],
        team_agencies=[personas.police],
    )
    case.concern_types = ["cce", "radicalisation"]
    case.save(update_fields=["concern_types"])
    colleague = UserFactory(username="police_two", agency=personas.police, roles=["caseworker"])
    return PreventWorld(personas, team, officer, colleague, case, child, adult)
