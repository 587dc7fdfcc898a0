"""An enforcement world made through the services, shared by the app's tests and the access
truth table (tests/test_access_enforcement.py).

- a register address (UPRN 770000000101) where a referral by the school's referrer became a
  case led by the hub, with the police on its team;
- a CPW by the hub (local authority officer) to the case's person, its time to deal with
  the matter over;
- a closure notice served by the police an hour ago (its hearing deadline open).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from nestguard.cases.models import Case
from nestguard.cases.services.work import case_team_add_agency
from nestguard.enforcement.models import EnforcementAction
from nestguard.enforcement.services import enforcement_action_record
from nestguard.people.models import Person
from nestguard.places.models import Address
from nestguard.referrals import services as referrals

if TYPE_CHECKING:  # the browser journey imports make_referral outside pytest
    from conftest import Personas

UPRN = "770000000101"


@dataclass
class EnforcementWorld:
    personas: Personas
    address: Address
    case: Case
    person: Person
    cpw: EnforcementAction
    notice: EnforcementAction
    ids: dict[str, Any] = field(default_factory=dict)


def make_referral(actor: Any, *, family_name: str, line1: str = "21 Testing Street") -> Any:
    referral = referrals.referral_start(actor=actor)
    referrals.referral_details_update(
        actor=actor, referral=referral, phone="01632 960 001", job_title="Safeguarding lead"
    )
    referrals.referral_subject_add(
        actor=actor,
        referral=referral,
        role="victim",
        given_name="Robin",
        family_name=family_name,
        date_of_birth=dt.date(1962, 5, 17),
    )
    referrals.referral_address_update(
        actor=actor, referral=referral, line1=line1, town="Northbrook", postcode="NB1 2AB"
    )
    referrals.referral_concerns_update(
        actor=actor,
        referral=referral,
        concern_types=["cuckooing"],
        indicators=["unfamiliar_visitors"],
        signs_text="Visitors at all hours.",
    )
    referrals.referral_urgency_update(actor=actor, referral=referral, urgency="medium")
    referrals.referral_consent_update(
        actor=actor,
        referral=referral,
        lawful_basis="safeguarding_sch1_para18",
        consent="not_sought",
        consent_reason="would_prejudice",
    )
    referral.refresh_from_db()
    return referrals.referral_submit(actor=actor, referral=referral)


def build_world(personas: Personas) -> EnforcementWorld:
    from tests.factories import AddressFactory

    owner = personas.owner
    address = AddressFactory(
        uprn=UPRN, line1="21 Testing Street", town="Northbrook", postcode="NB1 2AB"
    )
    referral = make_referral(personas.referrer, family_name="Casesubject")
    referral = referrals.referral_triage(
        actor=owner, referral=referral, decision="accept", reason="Clear signs of cuckooing"
    )
    referral.refresh_from_db()
    case = Case.objects.get(pk=referral.case_id)
    case_team_add_agency(actor=owner, case=case, agency=personas.police)
    person = case.subjects.get().person
    now = timezone.now()
    cpw = enforcement_action_record(
        actor=owner,
        address=address,
        step="cpw",
        taken_at=now - dt.timedelta(days=30),
        issuer="local_authority_officer",
        person=person,
        case=case,
        conduct="Letting people use the flat to deal drugs; visitors at all hours",
        comply_by=now - dt.timedelta(days=10),
    )
    notice = enforcement_action_record(
        actor=personas.partner,
        address=address,
        step="closure_notice",
        taken_at=now - dt.timedelta(hours=1),
        issuer="police_inspector",
        case=case,
    )
    world = EnforcementWorld(
        personas=personas, address=address, case=case, person=person, cpw=cpw, notice=notice
    )
    world.ids = {
        "address": address.pk,
        "uprn": UPRN,
        "case": case.pk,
        "person": person.pk,
        "cpw": cpw.pk,
        "cpw_reference": cpw.reference,
        "notice": notice.pk,
    }
    return world
