"""Where a missing child was found, as an address (issue 12 point 3, decision 0115): typed on
the return page or the return API, matched to the register as a referral's address is,
checked with field errors and nothing written, and shown on the episode, on the person's page
and in the address page's timeline, to those who may see the episode."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import CaseAddress
from nestguard.core.calendar import UK
from nestguard.pathways.models import MissingEpisode
from nestguard.pathways.services.missing import missing_episode_record
from nestguard.pathways.tests.test_pages import date_fields
from nestguard.places.models import Address
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db

FOUND = {"found_address_line1": "Flat 7, Larch House", "found_address_postcode": "nb3 1ef"}


@pytest.fixture
def larch(pw) -> Address:  # type: ignore[no-untyped-def]
    """A register address on the world's case (so the case team may open its page)."""
    address = AddressFactory(line1="Flat 7, Larch House", postcode="NB3 1EF", postcode_key="NB31EF")
    CaseAddress.objects.create(case=pw.case, address=address, description="Cuckooed flat")
    return address


def _at(hour: int) -> datetime:
    # Yesterday's UK date at a fixed wall-clock hour: in the past whatever the time now, and
    # never in an hour the clocks skip or repeat.
    return datetime.combine(timezone.localdate() - timedelta(days=1), time(hour), tzinfo=UK)


def _episode(pw) -> MissingEpisode:  # type: ignore[no-untyped-def]
    return missing_episode_record(
        actor=pw.personas.owner, person=pw.child, case=pw.case, report_type="missing",
        risk_grade="high", category="missing_from_home", care_status="not_looked_after",
        started_at=_at(8),
    )  # fmt: skip


def _return_form(**extra: str) -> dict[str, Any]:
    return {
        **date_fields("returned_on", _at(10)), "returned_time": "10:00", "found_by": "police",
        "found_location": "Back bedroom", "harm": ["none"], **extra,
    }  # fmt: skip


def test_the_return_page_records_the_address_and_the_pages_show_it(pw, larch, client_for):
    episode = _episode(pw)
    client = client_for("owner")
    response = client.post(
        reverse("pathways:missing_return", args=[episode.pk]), _return_form(**FOUND)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    episode.refresh_from_db()
    assert episode.found_address == larch and episode.found_location == "Back bedroom"
    page = client.get(reverse("pathways:missing_detail", args=[episode.pk])).content.decode()
    assert "Address where found" in page
    assert f'href="{reverse("places:detail", args=[larch.pk])}"' in page
    person = client.get(reverse("people:detail", args=[pw.child.pk])).content.decode()
    assert episode.reference in person and "found at Flat 7, Larch House" in person
    place = client.get(reverse("places:detail", args=[larch.pk])).content.decode()
    assert f"Missing episode {episode.reference}: found here" in place
    assert "Missing person found here" in place


def test_an_address_not_in_the_register_is_recorded_as_typed(pw, client_for):
    episode = _episode(pw)
    response = client_for("owner").post(
        reverse("pathways:missing_return", args=[episode.pk]),
        _return_form(found_address_line1="3 Nowhere Lane", found_address_postcode="NB9 9ZZ"),
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.found_address.in_register is False
    assert episode.found_address.postcode == "NB9 9ZZ"
    # The page names it without a link: no case or referral there opens its page.
    page = client_for("owner").get(reverse("pathways:missing_detail", args=[episode.pk]))
    text = page.content.decode()
    assert "3 Nowhere Lane" in text
    assert reverse("places:detail", args=[episode.found_address.pk]) not in text


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"found_address_line1": "Flat 7, Larch House"},
            "found_address_postcode",
            "Enter a postcode",
        ),
        (
            {"found_address_line1": "Flat 7", "found_address_postcode": "nowhere"},
            "found_address_postcode",
            "Enter a full UK postcode, like NB1 2AB",
        ),
        ({"found_address_postcode": "NB3 1EF"}, "found_address_line1", "Enter address line 1"),
    ],
)
def test_a_bad_address_on_the_page_shows_the_error_summary_and_writes_nothing(
    pw, client_for, extra, field, message
):
    episode = _episode(pw)
    addresses = Address.objects.count()
    response = client_for("owner").post(
        reverse("pathways:missing_return", args=[episode.pk]), _return_form(**extra)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body and f"#id_{field}" in body
    episode.refresh_from_db()
    assert episode.returned_at is None and episode.found_address is None
    assert Address.objects.count() == addresses
    writes = AuditEvent.objects.filter(action__in=["missing_episode.return", "address.record"])
    assert not writes.exists()


# ---------------------------------------------------------------------------------------------
# The API


def _api(user) -> Client:  # type: ignore[no-untyped-def]
    _, token = api_token_create(actor=None, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client: Client, episode: MissingEpisode, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/missing-episodes/{episode.pk}/return/",
        data=json.dumps(body),
        content_type="application/json",
    )


def _body(**extra: Any) -> dict[str, Any]:
    return {"returned_at": _at(10).isoformat(), "found_by": "police", "harm": ["none"], **extra}


def test_the_api_records_the_return_with_its_address(pw, larch):
    episode = _episode(pw)
    response = _post(_api(pw.personas.owner), episode, _body(**FOUND))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["found_address"] == {
        "id": str(larch.pk), "address": larch.one_line, "in_register": True,
    }  # fmt: skip
    assert data["returned_at"] and data["return_interview_due_at"]
    read = _api(pw.personas.owner).get(f"/api/v1/missing-episodes/{episode.pk}/").json()
    assert read["found_address"]["id"] == str(larch.pk)


def test_the_api_without_an_address_gives_none(pw):
    episode = _episode(pw)
    response = _post(_api(pw.personas.owner), episode, _body())
    assert response.status_code == 200 and response.json()["found_address"] is None


def test_a_bad_address_on_the_api_is_400_and_writes_nothing(pw):
    episode = _episode(pw)
    addresses = Address.objects.count()
    response = _post(
        _api(pw.personas.owner), episode,
        _body(found_address_line1="Flat 7", found_address_postcode="nowhere"),
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"found_address_postcode": ["Enter a full UK postcode, like NB1 2AB"]}
    episode.refresh_from_db()
    assert episode.returned_at is None and Address.objects.count() == addresses
    wrong_type = _post(_api(pw.personas.owner), episode, _body(found_address_line1=7))
    assert wrong_type.status_code == 400 and "found_address_line1" in wrong_type.json()


def test_the_api_refuses_the_unseen_with_404_and_a_second_return_with_400(pw):
    episode = _episode(pw)
    assert _post(_api(pw.personas.outsider), episode, _body(**FOUND)).status_code == 404
    assert _post(_api(pw.personas.owner), episode, _body()).status_code == 200
    again = _post(_api(pw.personas.owner), episode, _body(**FOUND))
    assert again.status_code == 400 and "returned_at" in again.json()


def test_the_address_page_shows_found_episodes_only_to_those_who_see_the_episode(pw, larch):
    """A police caseworker on the case team sees the episode there; the address page's other
    viewers see no trace of it (here: a caseworker who sees a referral at the address only)."""
    from conftest import sign_in

    episode = _episode(pw)
    _post(_api(pw.personas.owner), episode, _body(**FOUND))
    page = reverse("places:detail", args=[larch.pk])
    partner = sign_in(Client(), pw.personas.partner).get(page).content.decode()
    assert f"Missing episode {episode.reference}: found here" in partner
    assert sign_in(Client(), pw.personas.outsider).get(page).status_code == 404
