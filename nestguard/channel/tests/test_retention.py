"""Prevent referrals go the way of every other record (decision 0111): after their period, and
never before the subject's 25th birthday, a data protection officer's approved batch clears
what was seen and heard, the notes and a guardian's name; the codes and dates stay."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from nestguard.channel.models import ConsentRecord, PreventReferral, Stage
from nestguard.channel.services.prevent import consent_record, gateway_record
from nestguard.channel.tests.conftest import PreventWorld
from nestguard.retention.models import BatchStatus, DisposalBatch
from nestguard.retention.services.batches import batch_approve, batches_build
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_closed_prevent_referral_is_anonymised_after_its_period(
    pworld: PreventWorld, clock: Any
) -> None:
    record = pworld.refer()
    gateway_record(pworld.officer, record=record, outcome="to_panel", on=timezone.localdate())
    consent_record(
        pworld.officer, record=record, state="sought", given_by="parent_guardian",
        giver_name="Sam Pike", on=timezone.localdate(),
    )  # fmt: skip
    open_one = pworld.refer(person=pworld.adult)
    record.stage = Stage.CLOSED  # as the panel's "not adopted" leaves it
    record.save(update_fields=["stage", "updated_at"])
    dpo = UserFactory(username="dpo", agency=pworld.personas.hub, roles=["data_protection_officer"])
    second = UserFactory(username="dpo2", agency=pworld.personas.hub,
                         roles=["data_protection_officer"])  # fmt: skip

    clock.move_to(timezone.now() + dt.timedelta(days=365 * 12))  # past 25 and six years
    batches_build()
    for batch in DisposalBatch.objects.filter(rule__code="prevent_referral"):
        batch = batch_approve(actor=dpo, batch=batch)
        if batch.status == BatchStatus.AWAITING_SECOND:
            batch_approve(actor=second, batch=batch)

    record.refresh_from_db()
    assert (record.concern, record.gateway_note, record.panel_note) == ("", "", "")
    assert record.ideology == "extreme_right_wing" and record.stage == Stage.CLOSED
    assert ConsentRecord.objects.get(prevent_referral=record).giver_name == ""
    assert PreventReferral.objects.get(pk=open_one.pk).concern != ""  # still open: kept
