"""The access truth table of the places pages and API (see tests/test_access_truth_table.py).

The world: the register imported through `address_register_import` (21 Testing Street and its
neighbours), then the main table's world, whose referral at 21 Testing Street now resolves to
the register address and became the hub's case with the police on its team. On top, through
the services: a warning marker placed by the owner, two partner reports that with the
referral meet the repeat-address rule (an open alert), a person link and a hardening measure.

Who is who here: the hub is a community safety agency and the partner is police, so both are
"police and ASB leads" for the repeat-address queue; the outsider is a housing association
caseworker (no case at the address, not on the queue).
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from nestguard.people.models import Person
from nestguard.places.models import Address, RepeatAddressAlert
from nestguard.places.services.hardening import hardening_record
from nestguard.places.services.links import person_address_link_add
from nestguard.places.services.register import REGISTER_COLUMNS, address_register_import
from nestguard.places.services.repeats import address_report_record
from nestguard.places.services.warnings import warning_place
from tests.test_access_truth_table import (  # noqa: F401  (world: the main table's fixture)
    EVERYONE,
    PERSONAS,
    Row,
    World,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    expect,
    hidden_rows,
    world,
)

UPRN = "100023336956"
REGISTER = "\n".join(
    [
        ",".join(REGISTER_COLUMNS),
        f"{UPRN},21 Testing Street,,Northbrook,NB1 2AB,402100,397100,,,Central,private_rented,A Co",
        "100023336957,23 Testing Street,,Northbrook,NB1 2AB,402130,397110,,,Central,council,NBC",
        "100023336958,1 Far Road,,Northbrook,NB7 1AA,405000,399000,,,Hilltop,owner_occupied,",
        "",
    ]
)

# The address's page-level work: the lead agency and the partner on the case; the outsider
# sees nothing there (404); other roles are refused by the page's rule (403).
AT_ADDRESS = expect(200, 200, 200, 404, 403, 403, 403)
QUEUE = expect(200, 200, 200, 403, 403, 403, 403)  # police and ASB leads only
ANY_CASEWORKER = expect(200, 200, 200, 200, 403, 403, 403)
FIGURES = expect(200, 200, 200, 200, 403, 403, 403)  # caseworkers, supervisors, analysts


@pytest.fixture
def register(personas: Any) -> None:
    address_register_import(actor=None, stream=io.StringIO(REGISTER), source_name="test")


@pytest.fixture
def places_world(register: None, world: World) -> World:  # noqa: F811
    p = world.personas
    address = Address.objects.get(uprn=UPRN)
    assert world.case.addresses.filter(address=address).exists(), "referral did not resolve"
    today = timezone.localdate()
    marker = warning_place(
        actor=p.owner,
        address=address,
        category="dogs",
        level="medium",
        advice="Visit in pairs; ask for the dogs to be shut away.",
        contact="Northbrook Exploitation Hub, 01632 960 000",
        review_on=today + timedelta(days=30),
        expires_on=today + timedelta(days=180),
    )
    for summary in ("Cars stopping for minutes at a time", "Door kicked in overnight"):
        address_report_record(
            actor=p.partner,
            address=address,
            kind="incident",
            occurred_on=today,
            summary=summary,
        )
    alert = RepeatAddressAlert.objects.get(address=address, status="open")
    person = Person.objects.get(pk=world.ids["person"])
    person_address_link_add(
        actor=p.owner, person=person, address=address, role="tenant", from_date=today
    )
    hardening_record(
        actor=p.owner, address=address, measure="locks", cost="180.50", funding="unfunded"
    )
    world.ids.update(
        place=address.pk, uprn=UPRN, marker=marker.pk, alert=alert.pk, case_pk=world.case.pk
    )
    return world


def place(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["place"]}


def _warning_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "category": "violence",
        "level": "high",
        "advice": "Do not visit alone.",
        "contact": "Northbrook Police, 101",
        "review_on": (today + timedelta(days=60)).isoformat(),
        "expires_on": (today + timedelta(days=300)).isoformat(),
    }


def _warning_form(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    review = timezone.localdate() + timedelta(days=60)
    expiry = timezone.localdate() + timedelta(days=300)
    return {
        "category": "violence",
        "level": "high",
        "advice": "Do not visit alone.",
        "contact": "Northbrook Police, 101",
        "review_on_day": review.day, "review_on_month": review.month,
        "review_on_year": review.year,
        "expires_on_day": expiry.day, "expires_on_month": expiry.month,
        "expires_on_year": expiry.year,
    }  # fmt: skip


TABLE: list[Row] = [
    # "Is there a risk behind this door?": every signed-in practitioner, page and API
    Row("places:door_check", EVERYONE, query=f"?uprn={UPRN}"),
    Row("places:door_check", EVERYONE, query="?postcode=NB1+2AB&number=21", label="(postcode)"),
    Row("api:address_door_check", EVERYONE, query=f"?uprn={UPRN}"),
    Row(
        "api:address_door_check",
        EVERYONE,
        query="?postcode=nb12ab&number=99",
        label="(no such house: the same shape)",
    ),
    # Warning markers: caseworkers of an agency on a case at the address
    Row("places:warning_add", AT_ADDRESS, place),
    Row(
        "places:warning_add",
        expect(302, 302, 302, 404, 403, 403, 403),
        place,
        method="POST",
        body=_warning_form,
    ),
    Row("places:warning_review", AT_ADDRESS, lambda ids: {"pk": ids["marker"]}),
    Row("places:warning_withdraw", AT_ADDRESS, lambda ids: {"pk": ids["marker"]}),
    Row(
        "api:address_warnings",
        expect(201, 201, 201, 404, 403, 403, 403),
        lambda ids: {"uprn": ids["uprn"]},
        method="POST",
        body=_warning_body,
    ),
    # Reports about any register address: any caseworker or supervisor
    Row("places:report_add", ANY_CASEWORKER, place),
    # The repeat-address queue: the police and ASB leads
    Row("places:repeat_alerts", QUEUE),
    Row("places:repeat_alert", QUEUE, lambda ids: {"pk": ids["alert"]}),
    Row("api:address_repeat_alerts", QUEUE),
    # People linked to addresses: people the user may see
    Row("places:link_add", AT_ADDRESS, lambda ids: {"pk": ids["person"]}),
    # Target hardening, and the partnership's funding figure
    Row("places:hardening_add", AT_ADDRESS, place),
    Row("places:hardening_summary", FIGURES),
    # Leaflet drops around a confirmed property
    Row("places:nearby", AT_ADDRESS, place),
    Row("places:nearby_csv", AT_ADDRESS, place),
    Row(
        "places:leaflet_done",
        expect(302, 302, 302, 404, 403, 403, 403),
        place,
        label="(GET goes back to the list)",
    ),
    Row(
        "places:leaflet_done",
        expect(302, 302, 302, 404, 403, 403, 403),
        place,
        method="POST",
        query="?radius=150",
        body=lambda ids, user: {"case": str(ids["case_pk"])},
    ),
    Row("api:address_nearby", AT_ADDRESS, lambda ids: {"uprn": ids["uprn"]}, query="?radius=150"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, places_world: World) -> None:
    got = {persona: _request_and_undo(row, places_world, persona) for persona in PERSONAS}
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id} ({row.path(places_world.ids)}): " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )


HIDDEN_ROWS = hidden_rows(TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("row", HIDDEN_ROWS, ids=[row.id for row in HIDDEN_ROWS])
def test_hidden_answers_as_missing(row: Row, places_world: World) -> None:
    assert_hidden_answers_as_missing(row, places_world)
