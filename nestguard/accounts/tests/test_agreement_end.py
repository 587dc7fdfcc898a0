"""Ending a sharing agreement (docs/decisions/0074-ending-agreements.md): one audited
service behind a page, an API endpoint and a command, effective at once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import sign_in
from nestguard.accounts.models import SharingAgreement
from nestguard.accounts.services import api_token_create, sharing_agreement_end
from nestguard.audit.models import AuditEvent
from nestguard.cases import rules as case_rules
from nestguard.cases.models import Case
from nestguard.cases.services.work import (
    case_create,
    case_note_add,
    case_subject_record,
    case_team_add_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(personas) -> SharingAgreement:
    return SharingAgreement.objects.get(name__startswith="Northbrook exploitation")


@pytest.fixture
def shared_case(personas) -> Case:
    """A hub case with the partner (police) named on its team as a user: the police agency is
    not on it, so the partner's access rests on being named and on the agreement alone."""
    owner = personas.owner
    case = case_create(
        actor=owner, lead_agency=owner.agency, concern_types=["cuckooing"], summary="Visitors"
    )
    case_subject_record(
        actor=owner, case=case, role="victim", given_name="Robin", family_name="Endtest"
    )
    case_team_add_user(actor=owner, case=case, user=personas.partner)
    return case


def api(user) -> Client:
    _, token = api_token_create(actor=None, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_the_partner_on_the_team_loses_view_and_edit_at_once(
    personas, agreement, shared_case
) -> None:
    partner = personas.partner
    person = shared_case.subjects.get().person
    page, token = sign_in(Client(), partner), api(partner)
    urls = [f"/cases/{shared_case.pk}/", f"/people/{person.pk}/"]
    api_urls = [f"/api/v1/cases/{shared_case.pk}/", f"/api/v1/people/{person.pk}/"]
    assert [page.get(u).status_code for u in urls] == [200, 200]
    assert [token.get(u).status_code for u in api_urls] == [200, 200]
    assert case_rules.can_edit_case(partner, shared_case)  # named on the team
    case_note_add(actor=partner, case=shared_case, text="Visited today")

    sharing_agreement_end(actor=personas.admin, agreement=agreement, reason="Withdrawn")

    assert [page.get(u).status_code for u in urls] == [404, 404]
    assert [token.get(u).status_code for u in api_urls] == [404, 404]
    nowhere = page.get("/cases/00000000-0000-0000-0000-000000000000/")
    assert page.get(urls[0]).content == nowhere.content
    assert not case_rules.can_edit_case(partner, shared_case)
    assert not case_rules.can_view_case(partner, shared_case)
    with pytest.raises(PermissionDenied):
        case_note_add(actor=partner, case=shared_case, text="After the end")
    assert page.post(f"/cases/{shared_case.pk}/notes/add/", {"text": "x"}).status_code == 404
    # The lead agency keeps its case.
    assert sign_in(Client(), personas.owner).get(urls[0]).status_code == 200


def test_the_service_is_audited_and_refuses_a_second_end(personas, agreement) -> None:
    sharing_agreement_end(actor=personas.admin, agreement=agreement, reason="Police withdrew")
    agreement.refresh_from_db()
    assert agreement.revoked_at is not None and not agreement.is_active()
    event = AuditEvent.objects.get(action="sharing_agreement.end", object_id=str(agreement.pk))
    assert event.object_id == str(agreement.pk) and event.actor == personas.admin
    assert event.details["reason"] == "Police withdrew"
    assert event.lawful_basis == agreement.lawful_basis
    with pytest.raises(ValidationError) as again:
        sharing_agreement_end(actor=personas.admin, agreement=agreement, reason="Again")
    assert "agreement" in again.value.message_dict
    assert (
        AuditEvent.objects.filter(
            action="sharing_agreement.end", object_id=str(agreement.pk)
        ).count()
        == 1
    )


def test_only_admins_end_and_a_reason_is_needed(personas, agreement) -> None:
    with pytest.raises(PermissionDenied):
        sharing_agreement_end(actor=personas.owner, agreement=agreement, reason="Mine")
    with pytest.raises(ValidationError) as blank:
        sharing_agreement_end(actor=personas.admin, agreement=agreement, reason="  ")
    assert blank.value.message_dict == {"reason": ["Say why the agreement is ending"]}
    agreement.refresh_from_db()
    assert agreement.revoked_at is None


def test_the_page_confirms_first_and_ends_on_post(personas, agreement) -> None:
    client = sign_in(Client(), personas.admin)
    url = f"/partnership/agreements/{agreement.pk}/end/"
    assert url in client.get("/partnership/").content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200 and "End the agreement" in confirm.content.decode()
    agreement.refresh_from_db()
    assert agreement.revoked_at is None  # a GET changes nothing
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "Say why the agreement is ending" in refused.content.decode()
    ended = client.post(url, {"reason": "Police withdrew"})
    assert ended.status_code == 302 and ended["Location"] == "/partnership/"
    agreement.refresh_from_db()
    assert agreement.revoked_at is not None
    assert "has ended" in client.get(url).content.decode()
    assert client.post(url, {"reason": "Again"}).status_code == 200
    assert (
        AuditEvent.objects.filter(
            action="sharing_agreement.end", object_id=str(agreement.pk)
        ).count()
        == 1
    )


def test_the_page_is_for_admins_only(personas, agreement) -> None:
    url = f"/partnership/agreements/{agreement.pk}/end/"
    assert sign_in(Client(), personas.owner).post(url, {"reason": "x"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.revoked_at is None


def test_the_api_ends_it_for_admins(personas, agreement) -> None:
    url = f"/api/v1/sharing-agreements/{agreement.pk}/end/"
    assert api(personas.owner).post(url, {"reason": "x"}, "application/json").status_code == 403
    admin = api(personas.admin)
    blank = admin.post(url, {"reason": ""}, "application/json")
    assert blank.status_code == 400 and "reason" in blank.json()
    response = admin.post(url, {"reason": "Police withdrew"}, "application/json")
    assert response.status_code == 200
    assert response.json()["active"] is False and response.json()["revoked_at"]
    again = admin.post(url, {"reason": "Again"}, "application/json")
    assert again.status_code == 400 and "agreement" in again.json()
    unknown = "/api/v1/sharing-agreements/00000000-0000-0000-0000-000000000000/end/"
    assert admin.post(unknown, {"reason": "x"}, "application/json").status_code == 404


def test_the_command_ends_it(personas, agreement) -> None:
    out = StringIO()
    call_command(
        "end_sharing_agreement", "--id", str(agreement.pk), "--reason", "Expired", stdout=out
    )
    assert "ended" in out.getvalue()
    agreement.refresh_from_db()
    assert agreement.revoked_at is not None
    event = AuditEvent.objects.get(action="sharing_agreement.end", object_id=str(agreement.pk))
    assert event.actor is None and event.details["reason"] == "Expired"
    with pytest.raises(CommandError, match="already been ended"):
        call_command("end_sharing_agreement", "--id", str(agreement.pk), "--reason", "Again")
    with pytest.raises(CommandError, match="No sharing agreement"):
        call_command("end_sharing_agreement", "--id", "nope", "--reason", "x")


def test_the_same_holds_with_the_partner_agency_on_the_team(personas, agreement, shared_case):
    from nestguard.cases.services.work import case_team_add_agency

    case_team_add_agency(actor=personas.owner, case=shared_case, agency=personas.police)
    page = sign_in(Client(), personas.partner)
    assert page.get(f"/cases/{shared_case.pk}/").status_code == 200
    sharing_agreement_end(actor=None, agreement=agreement, reason="Withdrawn")
    assert page.get(f"/cases/{shared_case.pk}/").status_code == 404
