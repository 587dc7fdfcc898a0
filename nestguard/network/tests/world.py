"""A small world for the network (the `net` fixture, tests/test_access_network.py): a
referral accepted into a case (a victim and an address),
the police on its team, a phone the police tied to the victim by hand and marked as a line's
deal line, and intelligence officers at the police and at an agency with no agreement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from conftest import Personas
from nestguard.cases.models import Case
from nestguard.cases.services.work import case_team_add_agency
from nestguard.network.models import Line, Phone
from nestguard.network.registry import Ref
from nestguard.network.services.links import link_add_by_hand
from nestguard.network.services.objects import phone_mark_line, phone_record
from nestguard.people.models import Person
from nestguard.referrals import services as referrals
from tests.factories import UserFactory


@dataclass
class NetWorld:
    personas: Personas
    case: Case
    person: Person
    address: Any
    phone: Phone
    line: Line
    intel: Any  # an intelligence officer at the police
    far_intel: Any  # an intelligence officer at an agency with no agreement


def make_referral(actor: Any, *, family_name: str, role: str = "victim") -> Any:
    referral = referrals.referral_start(actor=actor)
    referrals.referral_details_update(
        actor=actor, referral=referral, phone="01632 960 001", job_title="Safeguarding lead"
    )
    referrals.referral_subject_add(
        actor=actor, referral=referral, role=role, given_name="Robin", family_name=family_name,
        date_of_birth=dt.date(2010, 5, 17),
    )  # fmt: skip
    referrals.referral_address_update(
        actor=actor, referral=referral, line1="21 Testing Street", town="Northbrook",
        postcode="NB1 2AB",
    )  # fmt: skip
    referrals.referral_concerns_update(
        actor=actor, referral=referral, concern_types=["county_lines"],
        indicators=["unfamiliar_visitors"], signs_text="Visitors at all hours.",
    )  # fmt: skip
    referrals.referral_urgency_update(actor=actor, referral=referral, urgency="medium")
    referrals.referral_consent_update(
        actor=actor, referral=referral, lawful_basis="safeguarding_sch1_para18",
        consent="not_sought", consent_reason="would_prejudice",
    )  # fmt: skip
    referral.refresh_from_db()
    return referrals.referral_submit(actor=actor, referral=referral)


def build_world(personas: Personas) -> NetWorld:
    owner = personas.owner
    referral = make_referral(personas.referrer, family_name="Linevictim")
    referral = referrals.referral_triage(
        actor=owner, referral=referral, decision="accept", reason="Clear signs"
    )
    referral.refresh_from_db()
    case = Case.objects.get(pk=referral.case_id)
    case_team_add_agency(actor=owner, case=case, agency=personas.police)
    person = case.subjects.get().person
    address = case.addresses.get().address
    phone = phone_record(actor=personas.partner, number="07700 900123")
    link_add_by_hand(
        actor=personas.partner, a=Ref("person", person.pk), b=Ref("phone", phone.pk),
        role="uses", note="Seen on the victim's phone bill", on=timezone.localdate(), grade="1B",
    )  # fmt: skip
    phone_mark_line(
        actor=personas.partner, number="+44 7700 900 999", line_name="Dolly",
        origin_area="Liverpool", note="Force intelligence", grade="2B",
    )  # fmt: skip
    line = Line.objects.get(name="Dolly")
    deal = Phone.objects.get(number="+447700900999")
    link_add_by_hand(
        actor=personas.partner, a=Ref("phone", phone.pk), b=Ref("phone", deal.pk),
        role="seen_with", note="Call data", on=timezone.localdate(), grade="1A",
    )  # fmt: skip
    intel = UserFactory(username="intel", agency=personas.police, roles=["intelligence_officer"])
    far = UserFactory(
        username="far_intel", agency=personas.outsider_agency, roles=["intelligence_officer"]
    )
    return NetWorld(personas, case, person, address, phone, line, intel, far)
