"""The retention tests' world: records written ten years ago through the real services
(the clock moved back), then the clock brought back to the test's instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from conftest import Personas
from nestguard.accounts.models import User
from nestguard.cases.models import Case
from nestguard.cases.services.closing import case_close
from nestguard.people.models import Person
from nestguard.people.tests.builders import referral_accepted, referral_submitted
from nestguard.referrals import services as referrals
from nestguard.referrals.models import Referral
from tests.factories import UserFactory

YEARS_AGO = 10


def years_before(moment: datetime, years: int) -> datetime:
    return moment.replace(year=moment.year - years)


@dataclass
class World:
    personas: Personas
    dpo: User
    second_dpo: User
    declined: Referral  # an adult referral declined ten years ago
    adult_case: Case  # closed nine years ago, about an adult
    child_case: Case  # closed nine years ago, about a child now 26
    young_case: Case  # closed nine years ago, about a child now 20 (not yet 25)
    now: datetime

    def person_of(self, case: Case) -> Person:
        return case.subjects.get().person


def _subject(given: str, family: str, born: date) -> dict[str, Any]:
    return {
        "role": "victim",
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
    }


def _closed_case(owner: User, referrer: User, subject: dict[str, Any]) -> Case:
    case = referral_accepted(
        actor=owner, referral=referral_submitted(referrer=referrer, people=[subject])
    )
    return case_close(
        actor=owner,
        case=case,
        outcomes=["target_hardening_wraparound"],
        resolution="positively_resolved",
        summary="Locks changed at Flat 3; Aldous's visitors stopped",
        cancel_open_interventions=True,
    )


def build(personas: Personas, clock: Any) -> World:
    now = timezone.now()
    then = years_before(now, YEARS_AGO)
    clock.move_to(then)
    owner, referrer = personas.owner, personas.referrer
    declined = referral_submitted(
        referrer=referrer, people=[_subject("Aldous", "Quintrell", date(1980, 3, 4))]
    )
    declined = referrals.referral_triage(
        actor=owner,
        referral=declined,
        decision="decline",
        reason_code="insufficient_information",
        reason="Aldous Quintrell is known to us already at 14 Canal Street",
    )
    adult = _closed_case(owner, referrer, _subject("Bertha", "Vellacott", date(1975, 6, 1)))
    child_born = then.date().replace(year=then.year - 16)
    child = _closed_case(owner, referrer, _subject("Cody", "Pennington", child_born))
    young_born = then.date().replace(year=then.year - 10)
    young = _closed_case(owner, referrer, _subject("Dara", "Ollerenshaw", young_born))
    clock.move_to(now + timedelta(seconds=1))
    dpo = UserFactory(username="dpo", agency=personas.hub, roles=["data_protection_officer"])
    second = UserFactory(username="dpo2", agency=personas.hub, roles=["data_protection_officer"])
    return World(personas, dpo, second, declined, adult, child, young, timezone.now())
