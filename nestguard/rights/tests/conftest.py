"""The rights tests' world, made through the services: a hub case with a victim, a note
naming a third party, the victim in the person index linked to a police record, and a data
protection officer at the hub."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from nestguard.accounts.models import User
from nestguard.cases.models import Case
from nestguard.cases.services.work import case_note_add, case_team_add_agency
from nestguard.cases.tests.conftest import add_person, make_case
from nestguard.linkage.models import Cluster, SourceRecord
from nestguard.linkage.services.merges import cluster_merge
from nestguard.linkage.services.records import source_record_create, source_records_sync_people
from nestguard.people.models import Person
from tests.factories import UserFactory

THIRD_PARTY_NOTE = "Seen with Jordan Thirdparty at the flat; Jordan holds the keys."


@dataclass
class RightsWorld:
    case: Case
    victim: Person
    dpo: User
    police_record: SourceRecord


@pytest.fixture
def world(personas) -> RightsWorld:  # type: ignore[no-untyped-def]
    case = make_case(personas.owner)
    victim = add_person(
        personas.owner, case, given_name="Robin", family_name="Subjectson",
        date_of_birth=date(1990, 4, 2),
    )  # fmt: skip
    case_team_add_agency(actor=personas.owner, case=case, agency=personas.police)
    case_note_add(actor=personas.owner, case=case, text=THIRD_PARTY_NOTE)
    source_records_sync_people(actor=None)
    police_record, _ = source_record_create(
        actor=personas.partner,
        system="police_niche",
        values={
            "record_id": "PN-4411",
            "given_name": "Robin",
            "family_name": "Subjectson",
            "date_of_birth": "1990-04-02",
            "identifier": "CRO 12345/90X",
        },
    )
    own = Cluster.objects.get(records__person=victim)
    cluster_merge(actor=None, into=own, from_cluster=police_record.cluster, reason="review")
    dpo = UserFactory(username="dpo", agency=personas.hub, roles=["data_protection_officer"])
    return RightsWorld(case=case, victim=victim, dpo=dpo, police_record=police_record)
