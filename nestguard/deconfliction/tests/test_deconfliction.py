"""Deconfliction (decision 0107): who is told of a planned visit, warrant or operation, who
sees it and what each learns, answers before the window opens, cancelling, the due view and
the notification, and bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.accounts.services import sharing_agreement_create
from nestguard.audit.models import AuditEvent
from nestguard.core.clocks import due_items
from nestguard.deconfliction.models import Notice, PlannedOperation
from nestguard.deconfliction.services.operations import (
    notice_respond,
    operation_cancel,
    operation_plan,
)
from nestguard.notifications.sources import Staff, deconfliction_notices
from nestguard.people.tests.builders import make_case
from nestguard.places.models import Address
from nestguard.places.tests.conftest import place_marker
from tests.factories import AddressFactory, AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _address(landlord: str = "") -> Address:
    return AddressFactory(line1="Flat 2, 9 Mill Lane", postcode="NB1 4EF", landlord=landlord)


def _window(hours_ahead: int = 48, length: int = 4) -> dict[str, Any]:
    start = timezone.now() + dt.timedelta(hours=hours_ahead)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=length)}


def _plan(actor: Any, address: Address, **overrides: Any) -> PlannedOperation:
    values: dict[str, Any] = {
        "kind": "warrant",
        "partner_note": "Entry may be forced if nobody answers.",
        **_window(),
    }
    values.update(overrides)
    return operation_plan(actor, address=address, **values)


@pytest.fixture
def scene(personas: Personas) -> dict[str, Any]:
    """An address with the hub's open case (the police and the ended youth justice service
    on its team), a landlord that is a partner of the police, and a marker by the outsider."""
    landlord = AgencyFactory(name="Millbrook Homes", type="housing_association")
    sharing_agreement_create(
        actor=None,
        name="Police and Millbrook Homes agreement",
        parties=[personas.police, landlord],
        purposes="Tenancy safety",
        lawful_basis="crime_disorder_s115",
        starts_on=dt.date(2024, 1, 1),
        review_on=dt.date(2030, 1, 1),
    )
    address = _address(landlord="Millbrook Homes")
    make_case(
        lead_agency=personas.hub,
        subjects=[(PersonFactory(given_name="Ash", family_name="Mill"), "victim")],
        team_agencies=[personas.police, personas.youth_justice],
        addresses=[address],
    )
    housing = UserFactory(username="housing", agency=landlord, roles=["caseworker"])
    return {"address": address, "landlord": landlord, "housing": housing}


def test_partners_with_work_at_the_address_are_told_with_why(personas, scene):
    operation = _plan(personas.partner, scene["address"])
    told = {n.agency.name: n.reasons for n in operation.notices.all()}
    assert told == {
        personas.hub.name: ["leads a case at the address"],
        "Millbrook Homes": ["is the address's landlord"],
    }
    assert AuditEvent.objects.filter(action="deconfliction.notify").count() == 2
    notify = AuditEvent.objects.filter(action="deconfliction.notify").first()
    assert notify is not None and notify.sharing_agreement_id is not None


def test_an_agency_without_an_agreement_is_neither_told_nor_revealed(personas, scene):
    """The outsider's marker and the ended partner's place on the team tell the police
    nothing: neither agency is told, and the planner's page does not name them."""
    make_case(lead_agency=personas.outsider_agency, addresses=[scene["address"]])
    operation = _plan(personas.partner, scene["address"])
    names = set(operation.notices.values_list("agency__name", flat=True))
    assert personas.youth_justice.name not in names
    assert personas.outsider_agency.name not in names
    page = sign_in(Client(), personas.partner).get(
        reverse("deconfliction:detail", args=[operation.pk])
    )
    assert personas.youth_justice.name not in page.content.decode()


def test_a_marker_owner_with_an_agreement_is_told(personas, scene):
    place_marker(personas.partner, scene["address"])  # the police's own marker
    operation = _plan(personas.owner, scene["address"])  # the hub plans a visit
    police = operation.notices.get(agency=personas.police)
    assert police.reasons == [
        "works a case at the address",
        "placed a warning marker at the address",
    ]


def test_who_sees_the_operation_and_what_they_learn(personas, scene):
    operation = _plan(personas.partner, scene["address"])
    url = reverse("deconfliction:detail", args=[operation.pk])
    planner = sign_in(Client(), personas.partner).get(url).content.decode()
    assert "Millbrook Homes" in planner and personas.hub.name in planner
    told = sign_in(Client(), personas.owner).get(url)
    assert told.status_code == 200
    # The hub sees its own notice, never which other agencies were told.
    assert "Millbrook Homes" not in told.content.decode()
    assert "leads a case at the address" in told.content.decode()
    for outsider in (personas.outsider, personas.ended_partner):
        assert sign_in(Client(), outsider).get(url).status_code == 404
    assert sign_in(Client(), personas.referrer).get(url).status_code == 403
    missing = reverse("deconfliction:detail", args=["00000000-0000-0000-0000-000000000000"])
    assert sign_in(Client(), personas.outsider).get(missing).status_code == 404


def test_a_told_agency_answers_until_the_window_opens(personas, scene):
    operation = _plan(personas.partner, scene["address"])
    notice = operation.notices.get(agency=scene["landlord"])
    notice_respond(scene["housing"], notice=notice, response="key_holder", note="Caretaker: 0161")
    notice.refresh_from_db()
    assert (notice.response, notice.responded_by) == ("key_holder", scene["housing"])
    opened = operation.starts_at + dt.timedelta(minutes=1)
    with time_machine.travel(opened), pytest.raises(ValidationError) as closed:
        notice_respond(scene["housing"], notice=notice, response="no_concern")
    assert "window has opened" in str(closed.value)
    notice.refresh_from_db()
    assert notice.response == "key_holder"
    with pytest.raises(PermissionDenied):
        notice_respond(personas.owner, notice=notice, response="no_concern")


def test_the_answer_reaches_the_planner_on_the_page(personas, scene):
    operation = _plan(personas.partner, scene["address"])
    client = sign_in(Client(), scene["housing"])
    url = reverse("deconfliction:respond", args=[operation.pk])
    refused = client.post(url, {"response": "", "response_note": ""})
    assert "govuk-error-summary" in refused.content.decode()
    assert client.post(url, {"response": "vulnerable_occupant", "response_note": "Mr A, 71"})[
        "Location"
    ].endswith(reverse("deconfliction:detail", args=[operation.pk]))
    planner = sign_in(Client(), personas.partner).get(
        reverse("deconfliction:detail", args=[operation.pk])
    )
    assert "A vulnerable person lives there or may be inside" in planner.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "raid"}, "kind"),
        ({"partner_note": " "}, "partner_note"),
        (lambda: _window(hours_ahead=-1), "starts_at"),
        (lambda: {"ends_at": timezone.now()}, "ends_at"),
        (lambda: _window(length=24 * 15), "ends_at"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_is_written(personas, scene, overrides, field):
    with pytest.raises(ValidationError) as refused:
        _plan(
            personas.partner,
            scene["address"],
            **(overrides() if callable(overrides) else overrides),
        )
    assert field in refused.value.message_dict
    assert not PlannedOperation.objects.exists() and not Notice.objects.exists()


def test_the_plan_page_shows_the_error_summary(personas, scene):
    client = sign_in(Client(), personas.partner)
    url = reverse("deconfliction:plan", args=[scene["address"].pk])
    page = client.post(url, {"kind": "warrant", "starts_time": "25:00"})
    assert page.status_code == 200
    assert "govuk-error-summary" in page.content.decode()
    assert not PlannedOperation.objects.exists()
    day = timezone.localdate() + dt.timedelta(days=2)
    saved = client.post(
        url,
        {
            "kind": "visit",
            "starts_on_day": day.day, "starts_on_month": day.month, "starts_on_year": day.year,
            "starts_time": "09:00",
            "ends_on_day": day.day, "ends_on_month": day.month, "ends_on_year": day.year,
            "ends_time": "11:30",
            "partner_note": "A welfare visit with housing.",
        },
    )  # fmt: skip
    assert saved.status_code == 302
    assert PlannedOperation.objects.get().kind == "visit"


def test_the_due_view_and_the_email_tell_the_told_agency(personas, scene):
    operation = _plan(personas.partner, scene["address"])
    items = [i for i in due_items(personas.owner) if i.source == "deconfliction"]
    assert [i.due_at for i in items] == [operation.starts_at]
    events = list(
        deconfliction_notices(timezone.now(), timezone.now() - dt.timedelta(hours=1), Staff())
    )
    hub_notice = operation.notices.get(agency=personas.hub)
    hub_event = next(e for e in events if e.object_id == str(hub_notice.pk))
    assert len(hub_event.object_id) <= 64  # Notification.object_id
    assert personas.owner.pk in hub_event.to and personas.partner.pk not in hub_event.to
    notice_respond(
        personas.owner, notice=operation.notices.get(agency=personas.hub), response="no_concern"
    )
    assert not [i for i in due_items(personas.owner) if i.source == "deconfliction"]


def test_only_the_planner_cancels_and_the_told_see_it(personas, scene):
    operation = _plan(personas.partner, scene["address"])
    with pytest.raises(PermissionDenied):
        operation_cancel(personas.owner, operation=operation)
    operation_cancel(personas.partner, operation=operation)
    page = sign_in(Client(), personas.owner).get(
        reverse("deconfliction:detail", args=[operation.pk])
    )
    assert "Cancelled on" in page.content.decode()
    with pytest.raises(ValidationError):
        notice_respond(
            personas.owner, notice=operation.notices.get(agency=personas.hub), response="no_concern"
        )
    assert not [i for i in due_items(personas.owner) if i.source == "deconfliction"]


def test_the_list_shows_what_the_agency_planned_or_was_told(personas, scene):
    operation = _plan(personas.partner, scene["address"])
    for user, shown in ((personas.owner, True), (personas.outsider, False)):
        page = sign_in(Client(), user).get(reverse("deconfliction:list"))
        assert (operation.reference in page.content.decode()) is shown
