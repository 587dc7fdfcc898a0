"""The person page's "also known to" panel and the API's `also_known_to` name only agencies
whose involvement the viewer may know (decision 0079): the lead and team agencies of the
cases naming the person that the viewer may see, the agencies the viewer's agency shares an
active sharing agreement with, and the viewer's own. Any other agency is never named, typed,
counted or hinted at; everyone is told that other partners may hold information and whom to
ask at the hub, whatever is held."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from nestguard.accounts.models import Agency
from nestguard.accounts.services import api_token_create
from nestguard.people.models import Person
from nestguard.people.tests.builders import make_case, make_referral
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

KNOWING = ["hub", "police", "youth_justice", "outsider_agency"]

# Who may know of whom, for Jay below. The hub's agreement with youth justice has ended, so
# the hub no longer learns that youth justice knows Jay, nor youth justice that the hub does.
EXPECTED = {
    "owner": {"hub", "police"},  # the hub's case (police on its team); police a partner
    "supervisor": {"hub", "police"},
    "partner": {"hub", "police"},  # police on the hub's team, under the agreement
    "referrer": {"hub", "police"},  # a school user named on the hub's case team
    "outsider": {"outsider_agency", "youth_justice"},  # its own case, youth justice on its team
    "ended_partner": {"youth_justice"},  # its own case and referral; no agreement left
}
REFUSED = ["auditor", "admin", "lone_chair"]


def _contacts(personas: Any) -> None:
    for name in KNOWING:
        agency: Agency = getattr(personas, name)
        agency.contact_name = f"Duty officer {name}"
        agency.contact_email = f"{name}@known.example"
        agency.save()


def hub_case(personas: Any, person: Person) -> None:
    """The hub's case: the police on its team, a school user named on it."""
    make_case(
        lead_agency=personas.hub,
        subjects=[(person, "victim")],
        team_agencies=[personas.police],
        team_users=[personas.referrer],
    )


@pytest.fixture
def jay(personas: Any) -> Person:
    """Jay is known to the hub (police on the team, a school user named on it), to youth
    justice (its own case and a triage referral), and to the housing association (its own
    case, youth justice on its team)."""
    _contacts(personas)
    person = PersonFactory(given_name="Jay", family_name="Okafor")
    hub_case(personas, person)
    make_case(lead_agency=personas.youth_justice, subjects=[(person, "suspected_exploiter")])
    make_case(
        lead_agency=personas.outsider_agency,
        subjects=[(person, "associate")],
        team_agencies=[personas.youth_justice],
    )
    make_referral(
        referrer=personas.ended_partner,
        subjects=[(person, "person_at_risk")],
        triage_agencies=[personas.youth_justice],
    )
    return person


def page_for(client_for: Any, viewer: str, person: Person) -> Any:
    return client_for(viewer).get(reverse("people:detail", args=[person.pk]))


def api_for(personas: Any, viewer: str, person: Person) -> Any:
    _, plain = api_token_create(actor=None, user=personas.all()[viewer])
    return Client().get(f"/api/v1/people/{person.pk}/", HTTP_AUTHORIZATION=f"Bearer {plain}")


def panel(page: str) -> str:
    """The "also known to" panel, up to the hub's contacts."""
    return page.split("Also known to</h2>", 1)[1].split("Other partners</h3>", 1)[0]


@pytest.mark.parametrize("viewer", sorted(EXPECTED))
def test_the_panel_names_only_agencies_the_viewer_may_know_of(
    personas: Any, client_for: Any, jay: Person, viewer: str
) -> None:
    response = page_for(client_for, viewer, jay)
    assert response.status_code == 200
    page = response.content.decode()
    shown = {item.agency for item in response.context["profile"].known_to}
    assert shown == {getattr(personas, name) for name in EXPECTED[viewer]}
    for name in KNOWING:
        agency = getattr(personas, name)
        if name in EXPECTED[viewer]:
            assert agency.name in panel(page) and agency.contact_email in panel(page)
            continue
        assert agency.name not in panel(page) and agency.contact_email not in panel(page)
        if name != "hub":  # the hub is named for everyone as whom to ask
            assert agency.name not in page and agency.contact_email not in page
            assert agency.contact_name not in page
    # Everyone is told the same about the rest, and whom to ask at the hub.
    assert "Other partners may hold information about this person." in page
    assert "Triage team, Northbrook Exploitation Hub" in page


@pytest.mark.parametrize("viewer", sorted(set(EXPECTED) - {"referrer"}))
def test_the_api_names_only_agencies_the_viewer_may_know_of(
    personas: Any, jay: Person, viewer: str
) -> None:
    response = api_for(personas, viewer, jay)
    assert response.status_code == 200
    body = response.json()
    assert {known["agency"] for known in body["also_known_to"]} == {
        getattr(personas, name).name for name in EXPECTED[viewer]
    }
    text = response.content.decode()
    for name in set(KNOWING) - EXPECTED[viewer] - {"hub"}:
        agency = getattr(personas, name)
        assert agency.name not in text and agency.contact_email not in text
        assert str(agency.pk) not in text
    assert body["ask"] == [
        {
            "agency": personas.hub.name,
            "team": "Triage team",
            "name": personas.hub.contact_name,
            "email": personas.hub.contact_email,
            "phone": personas.hub.contact_phone,
        }
    ]


@pytest.mark.parametrize("viewer", REFUSED)
def test_who_may_not_see_the_person_learns_nothing(
    client_for: Any, jay: Person, viewer: str
) -> None:
    assert page_for(client_for, viewer, jay).status_code == 404


def test_hidden_involvement_leaves_no_trace(personas: Any, client_for: Any, jay: Person) -> None:
    """The owner's answer about Jay (also known to youth justice and the housing association)
    is the answer about Kim (known to the hub and police only), but for the references."""
    kim = PersonFactory(given_name="Jay", family_name="Okafor")
    hub_case(personas, kim)

    def known(person: Person) -> Any:
        body = api_for(personas, "owner", person).json()
        return [
            {k: v for k, v in item.items() if k not in ("cases", "referrals")}
            for item in body["also_known_to"]
        ], body["ask"]

    def shown_panel(person: Person) -> str:
        page = page_for(client_for, "owner", person).content.decode()
        return re.sub(r"TCASE-\d+", "CASE", page.split("Also known to</h2>", 1)[1])

    assert known(jay) == known(kim)
    assert shown_panel(jay) == shown_panel(kim)


def test_no_agency_the_viewer_may_know_of_still_points_to_the_hub(
    personas: Any, client_for: Any
) -> None:
    """A person known only to agencies the viewer may not know of: the page says so in the
    same words as for anyone else, and names whom to ask."""
    person = PersonFactory()
    make_case(lead_agency=personas.youth_justice, subjects=[(person, "victim")])
    make_referral(
        referrer=personas.referrer,
        subjects=[(person, "person_at_risk")],
        triage_agencies=[personas.youth_justice, personas.hub],
    )
    response = page_for(client_for, "supervisor", person)
    assert response.status_code == 200  # the hub triages the referral
    page = response.content.decode()
    assert [item.agency for item in response.context["profile"].known_to] == [personas.hub]
    assert personas.youth_justice.name not in page
    assert "Other partners may hold information about this person." in page
