"""Subject access joined to the other apps. An open request holds the person's records
against disposal (DPA 2018 s.173): logging it places a legal hold that reaches their cases,
closing it lifts the hold; and the search finds partner intelligence naming the person."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nestguard.intelligence.services.reports import intelligence_report_submit
from nestguard.intelligence.services.subjects import SubjectIn
from nestguard.retention.models import LegalHold
from nestguard.retention.services.holds import held_records, target_key
from nestguard.rights.services import sar_close, sar_log, sar_search
from nestguard.rights.tests.conftest import RightsWorld

pytestmark = pytest.mark.django_db


def test_an_open_request_holds_the_persons_records_until_it_closes(world: RightsWorld):
    sar = sar_log(actor=world.dpo, person=world.victim, received_on=timezone.localdate())
    hold = LegalHold.objects.get(reason="subject_access", reference=sar.reference)
    assert hold.lifted_at is None
    assert target_key(world.case) in held_records()
    sar_close(actor=world.dpo, request=sar)
    hold.refresh_from_db()
    assert hold.lifted_at is not None and sar.reference in hold.lift_reason
    assert target_key(world.case) not in held_records()


def test_the_search_finds_intelligence_naming_the_person(world: RightsWorld, personas):  # type: ignore[no-untyped-def]
    report = intelligence_report_submit(
        actor=personas.partner,
        observed_on=timezone.localdate(),
        what="Two men collecting from the flat at night.",
        how_known="seen",
        subjects=[SubjectIn(kind="person", record_id=world.victim.pk)],
    )
    sar = sar_log(actor=world.dpo, person=world.victim, received_on=timezone.localdate())
    found = {
        (item.object_type, item.object_id) for item in sar_search(actor=world.dpo, request=sar)
    }
    assert ("intelligencereport", str(report.pk)) in found
