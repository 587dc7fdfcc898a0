"""The address page (only for those who may see a case or referral there) and the register
search by postcode (any signed-in user; addresses only)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from nestguard.audit.models import AuditEvent
from nestguard.people.tests.builders import make_case, make_referral
from nestguard.places.models import Address
from tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db


def url(address: Address) -> str:
    return reverse("places:detail", args=[address.pk])


@pytest.fixture
def flat(personas):  # type: ignore[no-untyped-def]
    """Flat 3 has a hub case (Jay, victim) and a referral waiting for the hub's triage."""
    address = AddressFactory(
        uprn="100012345678",
        line1="Flat 3, 14 Canal Street",
        ward="Riverside",
        tenure="housing_association",
        landlord="Northbrook Homes",
    )
    jay = PersonFactory(given_name="Jay", family_name="Okafor")
    dee = PersonFactory(given_name="Dee", family_name="Adams")
    case = make_case(lead_agency=personas.hub, subjects=[(jay, "victim")], addresses=[address])
    referral = make_referral(
        referrer=personas.referrer,
        subjects=[(dee, "suspected_exploiter")],
        triage_agencies=[personas.hub],
        address=address,
    )
    hidden = make_case(
        lead_agency=personas.outsider_agency,
        subjects=[(PersonFactory(given_name="Hidden", family_name="Person"), "associate")],
        addresses=[address],
    )
    return {
        "address": address,
        "case": case,
        "referral": referral,
        "hidden": hidden,
        "jay": jay,
        "dee": dee,
    }


def test_owner_sees_the_address_with_what_they_may_see(client_for, flat):  # type: ignore[no-untyped-def]
    response = client_for("owner").get(url(flat["address"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Flat 3, 14 Canal Street, Northbrook, NB1 2AB</h1>" in page
    assert "100012345678" in page
    assert "Riverside" in page
    assert "Housing association tenancy" in page
    assert "Northbrook Homes" in page
    assert "In the address register" in page
    assert flat["case"].reference in page
    assert flat["referral"].reference in page
    assert reverse("people:detail", args=[flat["jay"].pk]) in page
    assert reverse("people:detail", args=[flat["dee"].pk]) in page
    assert "Suspected exploiter" in page
    assert flat["hidden"].reference not in page
    assert "Hidden Person" not in page


def test_outsider_sees_only_their_own_case_there(client_for, flat):  # type: ignore[no-untyped-def]
    response = client_for("outsider").get(url(flat["address"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert flat["hidden"].reference in page
    assert "Hidden Person" in page
    assert flat["case"].reference not in page
    assert flat["referral"].reference not in page
    assert "Jay Okafor" not in page


@pytest.mark.parametrize("name", ["partner", "referrer", "auditor", "admin"])
def test_nothing_visible_there_is_404(client_for, flat, name):  # type: ignore[no-untyped-def]
    assert client_for(name).get(url(flat["address"])).status_code == 404


def test_an_address_with_nothing_on_it_is_404_like_a_missing_one(client_for, personas):  # type: ignore[no-untyped-def]
    client = client_for("owner")
    assert client.get(url(AddressFactory())).status_code == 404
    assert client.get(reverse("places:detail", args=[uuid.uuid4()])).status_code == 404
    assert not AuditEvent.objects.filter(action="address.view").exists()


def test_unresolved_address_from_a_referral_is_tagged(personas, client_for):  # type: ignore[no-untyped-def]
    typed = Address.objects.create(
        line1="Top flat above the chip shop", postcode="NB9 9ZZ", in_register=False
    )
    make_referral(
        referrer=personas.referrer,
        subjects=[(PersonFactory(), "person_at_risk")],
        triage_agencies=[personas.hub],
        address=typed,
    )
    page = client_for("owner").get(url(typed)).content.decode()
    assert "Entered on a referral, not yet matched to the register" in page
    assert "Not known" in page  # no UPRN, no ward, tenure unknown


def test_view_is_audited(personas, client_for, flat):  # type: ignore[no-untyped-def]
    client_for("owner").get(url(flat["address"]))
    event = AuditEvent.objects.get(action="address.view")
    assert event.actor == personas.owner
    assert event.object_type == "address"
    assert event.object_id == str(flat["address"].pk)
    assert event.purpose == "case_work"  # written by the door


def test_text_is_escaped(personas, client_for):  # type: ignore[no-untyped-def]
    address = AddressFactory(line1="<script>alert(1)</script> House", landlord="<b>Evil</b>")
    make_case(lead_agency=personas.hub, addresses=[address])
    page = client_for("owner").get(url(address)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;b&gt;Evil&lt;/b&gt;" in page


@pytest.mark.parametrize("count", [3, 30])
def test_address_page_queries_do_not_grow(  # type: ignore[no-untyped-def]
    personas, client_for, django_assert_max_num_queries, count
):
    address = AddressFactory()
    for _ in range(count):
        people = [(PersonFactory(), "victim"), (PersonFactory(), "suspected_exploiter")]
        case = make_case(lead_agency=personas.hub, subjects=people, addresses=[address])
        make_referral(
            referrer=personas.referrer,
            subjects=people,
            triage_agencies=[personas.hub],
            address=address,
            case=case,
        )
    client = client_for("owner")
    client.get(url(address))
    # The same bound for few and many rows (PostgreSQL adds one: the audit chain's lock).
    # Handling restrictions add three: the viewer's agency type, the door-check answer and
    # the timeline's markers (decision 78).
    with django_assert_max_num_queries(47 + (1 if connection.vendor == "postgresql" else 0)):
        response = client.get(url(address))
    assert len(response.context["profile"].people) == 2 * count


# The register search ------------------------------------------------------------------


def search(client: Client, postcode: str):  # type: ignore[no-untyped-def]
    return client.get(reverse("places:search"), {"postcode": postcode})


def test_any_signed_in_user_searches_the_register_by_postcode(personas, client_for, flat):  # type: ignore[no-untyped-def]
    AddressFactory(line1="10 Canal Street")
    AddressFactory(line1="2 Canal Street")
    AddressFactory(line1="1 Far Road", postcode="NB7 1AA", postcode_key="NB71AA")
    Address.objects.create(
        line1="Typed on a referral", postcode="NB1 2AB", postcode_key="NB12AB", in_register=False
    )
    response = search(client_for("referrer"), "nb12ab")
    assert response.status_code == 200
    lines = [a.line1 for a in response.context["results"]]
    assert lines == ["2 Canal Street", "10 Canal Street", "Flat 3, 14 Canal Street"]
    page = response.content.decode()
    assert "3 addresses at NB1 2AB" in page
    assert reverse("places:detail", args=[flat["address"].pk]) in page
    # Addresses only: nothing of the case or people there.
    assert flat["case"].reference not in page
    assert "Jay" not in page
    assert AuditEvent.objects.get(action="address.search").details == {
        "terms": {"postcode": "NB1 2AB"},
        "found": 3,
    }


def test_search_page_before_searching(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("referrer").get(reverse("places:search"))
    assert response.status_code == 200
    assert response.context["results"] is None
    assert b"Error:" not in response.content


def test_no_addresses_at_a_valid_postcode(client_for) -> None:  # type: ignore[no-untyped-def]
    response = search(client_for("owner"), "NB9 9ZZ")
    assert "No addresses at NB9 9ZZ" in response.content.decode()


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter a postcode"),
        ("   ", "Enter a postcode"),
        ("NB1", "Enter a full UK postcode, like NB1 2AB"),
        ("not a postcode", "Enter a full UK postcode, like NB1 2AB"),
        ("NB1 2AB" * 10, "Enter a full UK postcode, like NB1 2AB"),
        ("NB1\x00 2AB", "Postcode must not contain control characters"),
        ("NB1\x07 2AB", "Postcode must not contain control characters"),
        ("<script>", "Enter a full UK postcode, like NB1 2AB"),
    ],
)
def test_bad_postcodes_are_refused_clearly(client_for, postcode, message):  # type: ignore[no-untyped-def]
    response = search(client_for("owner"), postcode)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Find an address" in page
    assert "govuk-error-summary" in page
    assert message in page
    assert response.context["results"] is None
    assert not AuditEvent.objects.filter(action="address.search").exists()


def test_anonymous_search_is_sent_to_sign_in() -> None:
    response = Client().get(reverse("places:search"), {"postcode": "NB1 2AB"})
    assert response.status_code == 302


@pytest.mark.parametrize("count", [3, 30])
def test_search_queries_do_not_grow(client_for, django_assert_max_num_queries, count):  # type: ignore[no-untyped-def]
    for _ in range(count):
        AddressFactory()
    client = client_for("owner")
    client.get(reverse("places:search"))
    # The same bound for few and many rows (PostgreSQL adds one: the audit chain's lock).
    with django_assert_max_num_queries(14):
        response = search(client, "NB1 2AB")
    assert len(response.context["results"]) == count


def test_the_map_works_without_tiles_and_a_tile_source_is_allowed_by_the_csp(  # type: ignore[no-untyped-def]
    client_for, flat, settings
):
    flat["address"].latitude, flat["address"].longitude = 53.47, -1.97
    flat["address"].save()
    response = client_for("owner").get(url(flat["address"]))
    page = response.content.decode()
    assert 'data-tiles=""' in page and "Easting 390000, northing 390000" in page
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]
    settings.NESTGUARD_MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    response = client_for("owner").get(url(flat["address"]))
    assert (
        "img-src 'self' data: https://*.tiles.example.org;" in response["Content-Security-Policy"]
    )
    assert 'data-tiles="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in response.content.decode()
