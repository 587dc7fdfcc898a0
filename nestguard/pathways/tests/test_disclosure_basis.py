"""An onward referral shows the case's information to a service: its audit event records the
sharing agreement when the provider is a partnership agency, otherwise consent or
safeguarding (decision 0077)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nestguard.accounts.services import sharing_agreement_create
from nestguard.audit.models import AuditEvent
from nestguard.pathways.services.onward import onward_referral_send
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def send(pw: Any, service: str, person: Any, consent_given: bool = False) -> AuditEvent:
    onward_referral_send(
        actor=pw.personas.owner, case=pw.case, person=person, service=service,
        reason="Exploited by a county line", consent_given=consent_given,
    )  # fmt: skip
    return AuditEvent.objects.filter(action="onward_referral.send").latest("id")


def test_a_service_outside_the_agreements_without_consent_is_safeguarding(pw: Any) -> None:
    event = send(pw, "child_exploitation_service", pw.child)
    assert (event.sharing_agreement, event.lawful_basis) == (None, "safeguarding_sch1_para18")
    assert "without consent" in event.details["basis_note"]


def test_a_service_outside_the_agreements_with_consent_is_consent(pw: Any) -> None:
    event = send(pw, "recovery_service", pw.adult, consent_given=True)
    assert (event.sharing_agreement, event.lawful_basis) == (None, "consent")
    assert "with the person's consent" in event.details["basis_note"]


def test_a_provider_that_is_a_partner_agency_is_under_its_agreement(pw: Any) -> None:
    social_care = AgencyFactory(
        name="Northbrook Children's Social Care", type="childrens_social_care"
    )
    agreement = sharing_agreement_create(
        actor=None, name="Children's safeguarding", parties=[pw.personas.hub, social_care],
        purposes="Safeguarding children", lawful_basis="safeguarding_sch1_para18",
        starts_on=dt.date(2024, 1, 1), review_on=dt.date(2030, 1, 1),
    )  # fmt: skip
    event = send(pw, "child_exploitation_service", pw.child)
    assert event.sharing_agreement == agreement
    assert "basis_note" not in event.details
