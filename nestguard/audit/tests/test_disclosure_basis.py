"""Each disclosure records its basis: the agreement relied on, or the lawful basis and why
none applied. The agreement is part of the keyed hash, and auditors filter by it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse

from nestguard.accounts.models import Agency, SharingAgreement, lawful_bases
from nestguard.accounts.services import sharing_agreement_create
from nestguard.audit.disclosure import (
    basis_without_agreement,
    disclosure_bases,
    disclosure_basis,
)
from nestguard.audit.models import AuditEvent
from nestguard.audit.services import audit_record
from nestguard.audit.tests.test_audit_trail import drop_triggers
from nestguard.audit.verify import verify_chain

pytestmark = pytest.mark.django_db

HUB_AGREEMENT = "Northbrook exploitation information sharing agreement"


def agreement(
    name: str,
    parties: list[Agency],
    *,
    basis: str = "public_task",
    starts_on: dt.date = dt.date(2024, 1, 1),
    ends_on: dt.date | None = None,
) -> SharingAgreement:
    return sharing_agreement_create(
        actor=None,
        name=name,
        parties=parties,
        purposes="Testing",
        lawful_basis=basis,
        starts_on=starts_on,
        review_on=dt.date(2030, 1, 1),
        ends_on=ends_on,
    )


def test_the_bases_without_an_agreement_are_pinned() -> None:
    bases = disclosure_bases()
    assert {c.code: c["lawful_basis"] for c in bases.codes} == {
        "same_agency": "public_task",
        "existence_only": "safeguarding_sch1_para18",
        "door_check": "crime_disorder_s115",
        "onward_consent": "consent",
        "onward_safeguarding": "safeguarding_sch1_para18",
        "no_records_shown": "public_task",
        "no_agreement": "",
    }
    for code in bases.codes:
        assert code["lawful_basis"] in lawful_bases() or code.code == "no_agreement"
        assert code.label


def test_the_agreement_shared_by_holder_and_recipient_is_relied_on(personas) -> None:  # type: ignore[no-untyped-def]
    basis = disclosure_basis(holders=[personas.hub], recipient=personas.police)
    assert basis.sharing_agreement is not None
    assert basis.sharing_agreement.name == HUB_AGREEMENT
    assert basis.lawful_basis == "safeguarding_sch1_para18"
    assert basis.details() == {}


def test_the_same_agency_needs_no_agreement(personas) -> None:  # type: ignore[no-untyped-def]
    basis = disclosure_basis(holders=[personas.hub, None], recipient=personas.hub)
    assert basis.sharing_agreement is None
    assert basis.lawful_basis == "public_task"
    assert "Same agency" in basis.details()["basis_note"]


def test_nothing_shown_uses_the_callers_fallback(personas) -> None:  # type: ignore[no-untyped-def]
    basis = disclosure_basis(holders=[], recipient=personas.police, fallback="existence_only")
    assert (basis.sharing_agreement, basis.lawful_basis) == (None, "safeguarding_sch1_para18")


def test_an_agency_outside_every_agreement_is_named_with_no_basis(personas) -> None:  # type: ignore[no-untyped-def]
    basis = disclosure_basis(
        holders=[personas.police, personas.outsider_agency], recipient=personas.hub
    )
    assert (basis.sharing_agreement, basis.lawful_basis) == (None, "")
    assert basis.note.endswith(": Elsewhere Housing Association")


def test_ended_and_future_agreements_are_not_relied_on(personas) -> None:  # type: ignore[no-untyped-def]
    today = dt.date.today()
    agreement(
        "Ended",
        [personas.hub, personas.outsider_agency],
        starts_on=today - dt.timedelta(days=400),
        ends_on=today - dt.timedelta(days=30),
    )
    agreement(
        "Not yet", [personas.hub, personas.outsider_agency], starts_on=today + dt.timedelta(days=30)
    )
    basis = disclosure_basis(holders=[personas.outsider_agency], recipient=personas.hub)
    assert basis.sharing_agreement is None and basis.lawful_basis == ""


def test_several_holders_under_several_agreements_are_all_listed(personas) -> None:  # type: ignore[no-untyped-def]
    housing = agreement(
        "Housing and hub", [personas.hub, personas.outsider_agency], basis="crime_disorder_s115"
    )
    basis = disclosure_basis(
        holders=[personas.police, personas.outsider_agency], recipient=personas.hub
    )
    hub_agreement = SharingAgreement.objects.get(name=HUB_AGREEMENT)
    # Holders in name order: the housing association's agreement first.
    assert basis.sharing_agreement == housing
    assert sorted(basis.details()["sharing_agreements"]) == sorted(
        [str(hub_agreement.pk), str(housing.pk)]
    )
    # One agreement covering both is preferred to several.
    both = agreement("All three", [personas.hub, personas.police, personas.outsider_agency])
    covering = disclosure_basis(
        holders=[personas.police, personas.outsider_agency], recipient=personas.hub
    )
    assert covering.sharing_agreement == both and covering.details() == {}


def test_the_agreement_is_recorded_hashed_and_protected(personas) -> None:  # type: ignore[no-untyped-def]
    basis = disclosure_basis(holders=[personas.hub], recipient=personas.police)
    event = audit_record(actor=personas.owner, action="demo.seed", details={"x": 1}, basis=basis)
    event.refresh_from_db()
    assert event.sharing_agreement == basis.sharing_agreement
    assert event.lawful_basis == "safeguarding_sch1_para18"
    assert event.details == {"x": 1}
    with pytest.raises(ProtectedError):
        SharingAgreement.objects.filter(pk=basis.sharing_agreement.pk).delete()  # type: ignore[union-attr]

    other = agreement("Another", [personas.hub, personas.police])
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET sharing_agreement_id = %s WHERE id = %s",
            [other.pk.hex if connection.vendor == "sqlite" else other.pk, event.id],
        )
    assert verify_chain().first_broken_id == event.id


def test_a_basis_note_is_kept_with_the_callers_details(personas) -> None:  # type: ignore[no-untyped-def]
    event = audit_record(
        actor=personas.owner,
        action="demo.seed",
        details={"level": "high"},
        basis=basis_without_agreement("door_check"),
    )
    assert event.details["level"] == "high"
    assert event.details["basis_note"].startswith("Door check")
    assert event.lawful_basis == "crime_disorder_s115" and event.sharing_agreement is None


def test_auditors_filter_the_trail_by_agreement(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    hub_agreement = SharingAgreement.objects.get(name=HUB_AGREEMENT)
    other = agreement("Housing and hub", [personas.hub, personas.outsider_agency])
    audit_record(
        actor=personas.owner,
        action="demo.seed",
        object_id="under-hub",
        basis=disclosure_basis(holders=[personas.hub], recipient=personas.police),
    )
    audit_record(
        actor=personas.owner,
        action="demo.seed",
        object_id="under-housing",
        basis=disclosure_basis(holders=[personas.hub], recipient=personas.outsider_agency),
    )
    audit_record(actor=personas.owner, action="demo.seed", object_id="no-disclosure")
    client = client_for("auditor")

    page = client.get(reverse("audit:search"))
    assert f'<option value="{hub_agreement.pk}">{HUB_AGREEMENT}</option>' in page.content.decode()
    for chosen, expected in ((hub_agreement, "under-hub"), (other, "under-housing")):
        response = client.get(reverse("audit:search"), {"sharing_agreement": str(chosen.pk)})
        assert response.status_code == 200
        assert [e.object_id for e in response.context["page"]] == [expected]
        assert f"Sharing agreement: {chosen.name}" in response.content.decode()
    unknown = client.get(
        reverse("audit:search"), {"sharing_agreement": "00000000-0000-0000-0000-000000000000"}
    )
    assert b"There is a problem" in unknown.content
    assert unknown.context["page"] is None
    # The landing page and the two searches are recorded (the door records every look at the
    # trail, decision 0070); the refused filter searched nothing.
    assert AuditEvent.objects.filter(action="audit.view").count() == 3
