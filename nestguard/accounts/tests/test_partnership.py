"""Administrators see the partnership and record sharing agreements; nobody else can."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nestguard.accounts.models import SharingAgreement
from nestguard.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def agreement_form(personas, **overrides: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "name": "Youth justice agreement",
        "parties": [str(personas.hub.id), str(personas.outsider_agency.id)],
        "purposes": "Safeguarding children at risk of criminal exploitation",
        "lawful_basis": "safeguarding_sch1_para18",
        "starts_on_day": "1",
        "starts_on_month": "4",
        "starts_on_year": "2026",
        "review_on_day": "1",
        "review_on_month": "4",
        "review_on_year": "2027",
    }
    data.update(overrides)
    return data


def test_admin_sees_agencies_users_and_agreements_with_status(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for("admin").get(reverse("accounts:partnership"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Northbrook exploitation information sharing agreement" in body
    assert "In force" in body and "Elsewhere Housing Association" in body
    assert "Caseworker" in body


def test_admin_records_an_agreement_that_opens_sharing(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("admin").post(reverse("accounts:agreement_new"), agreement_form(personas))
    assert response.status_code == 302
    agreement = SharingAgreement.objects.get(name="Youth justice agreement")
    assert set(agreement.parties.all()) == {personas.hub, personas.outsider_agency}
    assert AuditEvent.objects.filter(
        action="sharing_agreement.create", object_id=str(agreement.pk)
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the name of the agreement"),
        ({"parties": []}, "Select the agencies"),
        ({"lawful_basis": "because"}, "Select a valid choice"),
        ({"starts_on_day": "31", "starts_on_month": "2"}, "must be a real date"),
        ({"review_on_year": "27"}, "Year must include 4 numbers"),
        ({"purposes": "x" * 2001}, "at most 2000"),
        (
            {"ends_on_day": "1", "ends_on_month": "1", "ends_on_year": "2020"},
            "end date must be after",
        ),
    ],
)
def test_bad_agreements_show_the_error_summary_and_write_nothing(
    personas,
    client_for,
    overrides: dict[str, object],
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    before = SharingAgreement.objects.count()
    data = agreement_form(personas, **overrides)
    if overrides.get("parties") == []:
        data.pop("parties")
    response = client_for("admin").post(reverse("accounts:agreement_new"), data)
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert message in response.content.decode()
    assert SharingAgreement.objects.count() == before


def test_one_party_is_not_an_agreement(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    data = agreement_form(personas, parties=[str(personas.hub.id)])
    response = client_for("admin").post(reverse("accounts:agreement_new"), data)
    assert b"at least two agencies" in response.content


@pytest.mark.parametrize(
    "persona", ["owner", "supervisor", "partner", "outsider", "referrer", "auditor"]
)
def test_only_administrators_reach_the_partnership(client_for, persona: str) -> None:  # type: ignore[no-untyped-def]
    assert client_for(persona).get(reverse("accounts:partnership")).status_code == 403
    assert client_for(persona).get(reverse("accounts:agreement_new")).status_code == 403
