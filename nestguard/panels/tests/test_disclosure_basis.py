"""Reading a meeting's agenda and minutes shows the cases' lead agencies' information to
the reader's agency: the audit event records the agreement relied on (decision 0077)."""

from __future__ import annotations

import pytest

from nestguard.accounts.models import SharingAgreement
from nestguard.audit.models import AuditEvent
from nestguard.panels.models import AgendaItem
from nestguard.panels.services.meetings import meeting_view

pytestmark = pytest.mark.django_db


def viewed_by(user, meeting) -> AuditEvent:  # type: ignore[no-untyped-def]
    meeting_view(actor=user, meeting=meeting)
    return AuditEvent.objects.filter(action="meeting.view").latest("id")


def test_minutes_shown_to_a_partner_record_the_agreement(personas, panel_world) -> None:  # type: ignore[no-untyped-def]
    assert AgendaItem.objects.filter(meeting=panel_world.meeting, case=panel_world.case).exists()
    event = viewed_by(personas.partner, panel_world.meeting)
    assert event.sharing_agreement == SharingAgreement.objects.get(parties=personas.police)
    assert event.lawful_basis == "safeguarding_sch1_para18"


def test_minutes_shown_within_the_lead_agency_need_no_agreement(panel_world) -> None:  # type: ignore[no-untyped-def]
    event = viewed_by(panel_world.chair, panel_world.meeting)
    assert (event.sharing_agreement, event.lawful_basis) == (None, "public_task")
    assert event.details["basis_note"].startswith("Same agency")


def test_minutes_without_cases_record_that_no_records_were_shown(personas, panel_world) -> None:  # type: ignore[no-untyped-def]
    AgendaItem.objects.filter(meeting=panel_world.meeting).update(case=None)
    event = viewed_by(personas.partner, panel_world.meeting)
    assert (event.sharing_agreement, event.lawful_basis) == (None, "public_task")
    assert event.details["basis_note"].startswith("No agency's records were shown")
