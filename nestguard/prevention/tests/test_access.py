"""Who sees the prevention list: a truth table across agencies and roles, on the pages and
the API. Only the caseworkers and supervisors of the housing agency whose signals put an
address on the list see the entry; everyone else learns nothing (404 for an entry; the page
itself is 404 outside housing agencies, and the API says why with 403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import Personas
from nestguard.accounts.administration import agency_deactivate
from nestguard.accounts.models import User
from nestguard.audit.models import AuditEvent
from nestguard.prevention.models import PreventionEntry
from tests.frozen_clock import DEFAULT_INSTANT

from .conftest import Housing, client_as, qualifying_lines, token_client

# The dates in these tests are days around the week of Monday 30 November 2026: they run at
# the default instant under every --clock-at (the UK-date edges are tests of their own, each
# at its instant).
pytestmark = pytest.mark.time_machine(DEFAULT_INSTANT)

# name -> (sees the council's entry, has a list page)
TABLE = {
    "council caseworker": (True, True),
    "council supervisor": (True, True),
    "council referrer": (False, False),  # not a caseworker: the role gate refuses (403)
    "brookside caseworker": (False, True),  # a housing agency with no agreement: own list
    "hub caseworker": (False, False),
    "hub supervisor": (False, False),
    "police caseworker": (False, False),
    "ended-agreement caseworker": (False, False),
    "housing association with no agreement": (False, True),
    "auditor": (False, False),
    "admin": (False, False),
}


def _user(name: str, housing: Housing, personas: Personas) -> User:
    return {
        "council caseworker": housing.caseworker,
        "council supervisor": housing.supervisor,
        "council referrer": housing.referrer,
        "brookside caseworker": housing.other_caseworker,
        "hub caseworker": personas.owner,
        "hub supervisor": personas.supervisor,
        "police caseworker": personas.partner,
        "ended-agreement caseworker": personas.ended_partner,
        "housing association with no agreement": personas.outsider,
        "auditor": personas.auditor,
        "admin": personas.admin,
    }[name]


@pytest.fixture
def entry(housing: Housing) -> PreventionEntry:
    housing.send(qualifying_lines(housing.homes[0].uprn))
    return housing.listed()


@pytest.mark.parametrize("name", list(TABLE))
def test_the_truth_table_on_the_pages(
    name: str, housing: Housing, personas: Personas, entry: PreventionEntry
) -> None:
    sees, has_list = TABLE[name]
    user = _user(name, housing, personas)
    client = client_as(user)
    listing = client.get(reverse("prevention:list"))
    detail = client.get(reverse("prevention:detail", args=[entry.pk]))
    refer = client.post(reverse("prevention:refer", args=[entry.pk]))
    address = entry.address.line1
    if sees:
        assert listing.status_code == 200 and address in listing.text
        assert detail.status_code == 200 and "Key or fob request" in detail.text
        assert refer.status_code == 302
        return
    if has_list:
        assert listing.status_code == 200 and address not in listing.text
    else:
        assert listing.status_code in (403, 404)
    assert detail.status_code in (403, 404)
    assert refer.status_code in (403, 404)
    if listing.status_code == 403:  # the role gate: no access to any entry's page either
        assert detail.status_code == 403
    assert entry.actions.count() == 0


@pytest.mark.parametrize("name", list(TABLE))
def test_the_truth_table_on_the_api(
    name: str, housing: Housing, personas: Personas, entry: PreventionEntry
) -> None:
    sees, has_list = TABLE[name]
    response = token_client(_user(name, housing, personas)).get(reverse("api:prevention_list"))
    if has_list:
        ids = [row["id"] for row in response.json()["results"]]
        assert response.status_code == 200
        assert (str(entry.pk) in ids) is sees
    else:
        assert response.status_code == 403
        assert entry.address.line1 not in response.text


def test_a_deactivated_housing_agency_sees_nothing(
    housing: Housing, personas: Personas, entry: PreventionEntry
) -> None:
    client = client_as(housing.caseworker)
    agency_deactivate(actor=None, agency=housing.council)
    assert client.get(reverse("prevention:detail", args=[entry.pk])).status_code in (302, 403, 404)


def test_reads_are_audited_with_the_prevention_purpose(
    housing: Housing, entry: PreventionEntry
) -> None:
    client = client_as(housing.caseworker)
    client.get(reverse("prevention:list"))
    client.get(reverse("prevention:detail", args=[entry.pk]))
    listed = AuditEvent.objects.get(action="prevention_entry.list")
    viewed = AuditEvent.objects.get(action="prevention_entry.view")
    assert (listed.purpose, viewed.purpose) == ("prevention", "prevention")
    assert listed.details["summary_since"] == "2026-09-14"
    assert viewed.object_id == str(entry.pk)


def test_the_navigation_offers_the_list_to_housing_caseworkers_only(
    housing: Housing, personas: Personas
) -> None:
    href = reverse("prevention:list")
    assert href in client_as(housing.caseworker).get(reverse("core:home")).text
    assert href not in client_as(personas.partner).get(reverse("core:home")).text
    assert href not in client_as(housing.referrer).get(reverse("core:home")).text
