"""A subject access search finds a person's Prevent referrals and the consent recorded for
Channel support (the data protection officer then decides what an exemption withholds); no
one else reads them under the subject access purpose."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nestguard.access import door
from nestguard.channel.models import PreventReferral
from nestguard.channel.services.prevent import consent_record, gateway_record
from nestguard.channel.tests.conftest import PreventWorld
from nestguard.rights.services import sar_log, sar_search
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_subject_access_search_finds_the_prevent_referral_and_its_consent(
    pworld: PreventWorld,
) -> None:
    record = pworld.refer()
    gateway_record(pworld.officer, record=record, outcome="to_panel", on=timezone.localdate())
    consent_record(
        pworld.officer, record=record, state="sought", given_by="parent_guardian",
        giver_name="Sam Pike", on=timezone.localdate(),
    )  # fmt: skip
    dpo = UserFactory(username="dpo", agency=pworld.personas.hub, roles=["data_protection_officer"])
    request = sar_log(actor=dpo, person=pworld.child, received_on=timezone.localdate())

    items = [item for item in sar_search(actor=dpo, request=request) if item.source == "prevent"]

    assert [item.object_id for item in items] == [str(record.pk)]
    labels = dict(tuple(pair) for pair in items[0].fields)
    assert labels["Concern"] == record.concern
    assert labels["Consent"] == "sought" and labels["Answered by"] == "parent_guardian"
    assert door.visible(pworld.officer, PreventReferral, purpose="subject_access").count() == 0


def test_a_restriction_of_processing_refuses_a_prevent_referral_and_the_leads_steps(
    pworld: PreventWorld,
) -> None:
    from nestguard.access.restricted_writes import ProcessingRestricted
    from nestguard.rights.services import processing_restriction_place

    record = pworld.refer()
    dpo = UserFactory(username="dpo", agency=pworld.personas.hub, roles=["data_protection_officer"])
    processing_restriction_place(
        actor=dpo, person=pworld.child, grounds="accuracy_contested", reason="Disputed"
    )
    with pytest.raises(ProcessingRestricted):
        pworld.refer()
    with pytest.raises(ProcessingRestricted):
        gateway_record(pworld.officer, record=record, outcome="to_panel", on=timezone.localdate())
    assert PreventReferral.objects.filter(person=pworld.child).count() == 1
