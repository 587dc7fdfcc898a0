"""A "known to" answer shows which agencies hold records on a person: the lookup's audit event
records the agreement relied on, or that only existence was answered (decision 0077)."""

from __future__ import annotations

from typing import Any

import pytest

from nestguard.accounts.models import SharingAgreement
from nestguard.audit.models import AuditEvent
from nestguard.linkage.selectors import candidates_for
from nestguard.linkage.services.lookups import audit_lookup
from nestguard.linkage.services.records import source_record_create
from nestguard.linkage.tests.people import link_everything, seed_records
from nestguard.linkage.tests.test_candidates import JAYDEN
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_to_hub_and_police(personas: Any) -> None:
    senders = [
        UserFactory(username=f"sender.{k}", agency=a, roles=["linkage_reviewer"])
        for k, a in (("hub", personas.hub), ("police", personas.police))
    ]
    seed_records(senders)
    for sender, record_id in zip(senders, ("HUB-1", "POL-1"), strict=True):
        source_record_create(actor=sender, system="Test", values={"record_id": record_id, **JAYDEN})
    link_everything()


def looked_up(user: Any, values: dict[str, str]) -> AuditEvent:
    audit_lookup(user, candidates_for(user, values), "Test: is this person already known?")
    return AuditEvent.objects.filter(action="linkage.candidates").latest("id")


def test_agencies_shown_to_a_partner_record_the_agreement(
    personas: Any, known_to_hub_and_police: None
) -> None:
    event = looked_up(personas.partner, JAYDEN)
    assert str(personas.hub.pk) in event.details["agencies_shown"]
    assert event.sharing_agreement == SharingAgreement.objects.get(parties=personas.police)
    assert event.lawful_basis == "safeguarding_sch1_para18"


def test_an_answer_naming_no_agency_records_existence_only(
    personas: Any, known_to_hub_and_police: None
) -> None:
    event = looked_up(
        personas.partner,
        {"given_name": "Nobody", "family_name": "Unknownperson", "date_of_birth": "1999-01-01"},
    )
    assert event.details["agencies_shown"] == []
    assert (event.sharing_agreement, event.lawful_basis) == (None, "safeguarding_sch1_para18")
    assert event.details["basis_note"].startswith("Only whether the partnership")
