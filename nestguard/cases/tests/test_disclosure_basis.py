"""A partner added to a case team, or handed the case, is shown the lead agency's case: the
audit event records the sharing agreement relied on (decision 0077)."""

from __future__ import annotations

import pytest

from nestguard.accounts.models import SharingAgreement
from nestguard.audit.models import AuditEvent
from nestguard.cases.services.work import (
    case_lead_change,
    case_team_add_agency,
    case_team_add_user,
)
from nestguard.cases.tests.conftest import make_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def latest(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None
    return event


def test_a_partner_agency_joining_records_the_agreement(personas) -> None:  # type: ignore[no-untyped-def]
    case = make_case(personas.owner)
    case_team_add_agency(actor=personas.owner, case=case, agency=personas.police)
    event = latest("case.team_add")
    assert event.sharing_agreement == SharingAgreement.objects.get(parties=personas.police)
    assert event.lawful_basis == "safeguarding_sch1_para18"
    assert "basis_note" not in event.details


def test_a_partner_user_joining_records_the_agreement(personas) -> None:  # type: ignore[no-untyped-def]
    case = make_case(personas.owner)
    case_team_add_user(actor=personas.owner, case=case, user=personas.partner)
    event = latest("case.team_add")
    assert event.details["user"] == "partner"
    assert event.sharing_agreement == SharingAgreement.objects.get(parties=personas.police)


def test_a_colleague_joining_records_that_no_agreement_was_needed(personas) -> None:  # type: ignore[no-untyped-def]
    case = make_case(personas.owner)
    colleague = UserFactory(username="colleague", agency=personas.hub, roles=["caseworker"])
    case_team_add_user(actor=personas.owner, case=case, user=colleague)
    event = latest("case.team_add")
    assert (event.sharing_agreement, event.lawful_basis) == (None, "public_task")
    assert event.details["basis_note"].startswith("Same agency")


def test_handing_the_case_to_a_partner_records_the_agreement(personas) -> None:  # type: ignore[no-untyped-def]
    case = make_case(personas.owner)
    case_lead_change(
        actor=personas.owner, case=case, lead_worker=personas.partner, lead_agency=personas.police
    )
    event = latest("case.lead_change")
    assert event.sharing_agreement == SharingAgreement.objects.get(parties=personas.police)
