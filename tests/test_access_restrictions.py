"""Handling restrictions (decision 78): the truth table per restriction code across personas,
on the case page, the court chronology, the address page, the API and the panel agenda.

Every note and marker is recorded by the hub (the case's lead agency). The columns:
- owner: the hub's caseworker (the recording agency);
- team_partner: a school caseworker, the school on the case team under the agreement;
- police: the police caseworker, the police on the case team under the agreement;
- outsider: a housing association caseworker with no agreement;
- referrer: a school referrer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.access.restrictions import (
    default_restriction,
    handling_restrictions,
    withheld_from_subject,
)
from nestguard.accounts.models import User
from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import Case, ChronologyEntry
from nestguard.cases.services.work import (
    case_note_add,
    case_team_add_agency,
    chronology_entry_restrict,
)
from nestguard.people.tests.builders import make_case
from nestguard.places.models import Address, WarningMarker
from nestguard.places.services.warnings import warning_place, warning_restrict
from tests.factories import AddressFactory, PersonFactory, UserFactory

CODES = [
    "open_to_case_team",
    "originating_agency_only",
    "police_only",
    "do_not_disclose_to_subject",
]
COLUMNS = ("owner", "team_partner", "police", "outsider", "referrer")

# Who reads a record the hub recorded, by its restriction (1: reads it, 0: does not).
READS = {
    "open_to_case_team": (1, 1, 1, 0, 0),
    "originating_agency_only": (1, 0, 0, 0, 0),
    "police_only": (1, 0, 1, 0, 0),
    "do_not_disclose_to_subject": (1, 1, 1, 0, 0),
}


def test_the_code_list_defaults_are_pinned() -> None:
    codes = handling_restrictions()
    assert codes.values == CODES
    assert default_restriction() == "open_to_case_team"
    assert [c.get("readers") for c in codes.codes] == [
        "case_team",
        "originating_agency",
        "agency_types",
        "case_team",
    ]
    assert codes.get("police_only")["agency_types"] == ["police"]
    assert withheld_from_subject() == ["do_not_disclose_to_subject"]
    assert codes.source


@dataclass
class World:
    personas: Personas
    users: dict[str, User]
    case: Case
    address: Address


@pytest.fixture
def world(personas: Personas) -> World:
    address = AddressFactory(uprn="770000000078", line1="7 Mill Lane", postcode="NB1 7ML")
    case = make_case(
        lead_agency=personas.hub,
        subjects=[(PersonFactory(), "victim")],
        team_agencies=[personas.police],
        addresses=[address],
    )
    case_team_add_agency(actor=personas.owner, case=case, agency=personas.school)
    team_partner = UserFactory(
        username="school.worker", agency=personas.school, roles=["caseworker"]
    )
    users = {
        "owner": personas.owner,
        "team_partner": team_partner,
        "police": personas.partner,
        "outsider": personas.outsider,
        "referrer": personas.referrer,
    }
    return World(personas=personas, users=users, case=case, address=address)


def page(user: User) -> Client:
    return sign_in(Client(), user)


def api(user: User) -> Client:
    _, token = api_token_create(actor=None, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def note(world: World, code: str) -> ChronologyEntry:
    return case_note_add(
        actor=world.personas.owner,
        case=world.case,
        text=f"Secret note marked {code}",
        restriction=code,
    )


def marker(world: World, code: str, **overrides: Any) -> WarningMarker:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "category": "weapons",
        "level": "high",
        "advice": "Do not visit alone.",
        "contact": "Hub duty desk, 0300 000 0000",
        "review_on": today + timedelta(days=30),
        "expires_on": today + timedelta(days=90),
        "restriction": code,
    }
    values.update(overrides)
    return warning_place(actor=world.personas.owner, address=world.address, **values)


READ_TABLE = [
    (code, column, bool(READS[code][i])) for code in CODES for i, column in enumerate(COLUMNS)
]


@pytest.mark.parametrize(("code", "column", "reads"), READ_TABLE)
def test_a_note_on_the_case_page_the_api_and_the_court_chronology(
    world: World, code: str, column: str, reads: bool
) -> None:
    entry = note(world, code)
    user = world.users[column]
    text = entry.text
    case_page = page(user).get(f"/cases/{world.case.pk}/")
    assert (text in case_page.content.decode()) is reads
    if reads and code == "do_not_disclose_to_subject":
        assert "Do not disclose to the subject" in case_page.content.decode()
    response = api(user).get(f"/api/v1/cases/{world.case.pk}/chronology/")
    body = response.content.decode()
    assert (text in body) is reads
    if reads:
        row = next(r for r in response.json()["results"] if r["id"] == str(entry.pk))
        assert row["restriction"] == code
        assert row["withheld_from_subject"] is (code == "do_not_disclose_to_subject")
    court = page(user).get(f"/enforcement/address/{world.address.pk}/chronology/")
    assert (text in court.content.decode()) is reads


@pytest.mark.parametrize(("code", "column", "reads"), READ_TABLE)
def test_a_marker_on_the_address_page_and_the_api(
    world: World, code: str, column: str, reads: bool
) -> None:
    placed = marker(world, code)
    user = world.users[column]
    response = page(user).get(f"/addresses/{world.address.pk}/")
    body = response.content.decode()
    assert ("Weapons" in body) is reads
    assert (world.case.reference in body) is (response.status_code == 200)
    if response.status_code == 200:
        assert "Do not visit alone." in body  # the door-check answer, for every viewer
    listing = api(user).get(f"/api/v1/addresses/{world.address.uprn}/warnings/")
    ids = [row["id"] for row in listing.json()] if listing.status_code == 200 else []
    assert (str(placed.pk) in ids) is reads


@pytest.mark.parametrize("code", CODES)
def test_the_door_check_answers_everyone_alike_whatever_the_restriction(
    world: World, code: str
) -> None:
    marker(world, code)
    for user in world.users.values():
        answer = page(user).get("/addresses/door-check/", {"uprn": world.address.uprn})
        assert "Do not visit alone." in answer.content.decode()
        assert "Weapons" not in answer.content.decode()


def test_an_outsider_on_an_address_page_sees_only_the_door_answer(world: World) -> None:
    """The outsider's own case at the same address opens the page to them; the hub's
    marker shows them only what a door check would."""
    outsider = world.personas.outsider
    make_case(lead_agency=world.personas.outsider_agency, addresses=[world.address])
    marker(world, "open_to_case_team")
    body = page(outsider).get(f"/addresses/{world.address.pk}/").content.decode()
    assert "Do not visit alone." in body and "Hub duty desk" in body
    assert "Weapons" not in body
    assert world.personas.hub.name not in body
    assert world.case.reference not in body


# Setting and changing -------------------------------------------------------------------


def test_an_unknown_code_is_refused_with_a_field_error_and_nothing_written(world: World) -> None:
    before = ChronologyEntry.objects.count(), WarningMarker.objects.count()
    owner = api(world.personas.owner)
    response = owner.post(
        f"/api/v1/cases/{world.case.pk}/notes/",
        {"text": "A note", "restriction": "secret"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "restriction" in response.json()
    response = owner.post(
        f"/api/v1/addresses/{world.address.uprn}/warnings/",
        {
            "category": "weapons",
            "level": "high",
            "advice": "Do not visit alone.",
            "contact": "Hub duty desk",
            "review_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "restriction": "secret",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "restriction" in response.json()
    form = page(world.personas.owner).post(
        f"/cases/{world.case.pk}/notes/add/", {"text": "A note", "restriction": "secret"}
    )
    assert form.status_code == 200 and "govuk-error-summary" in form.content.decode()
    assert (ChronologyEntry.objects.count(), WarningMarker.objects.count()) == before


def test_the_page_and_the_api_set_the_restriction_on_create(world: World) -> None:
    owner = world.personas.owner
    page(owner).post(
        f"/cases/{world.case.pk}/notes/add/", {"text": "Page note", "restriction": "police_only"}
    )
    assert ChronologyEntry.objects.get(text="Page note").restriction == "police_only"
    response = api(owner).post(
        f"/api/v1/cases/{world.case.pk}/notes/",
        {"text": "API note", "restriction": "originating_agency_only"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["restriction"] == (
        "originating_agency_only"
    )
    entry = ChronologyEntry.objects.get(text="API note")
    assert entry.agency_id == world.personas.hub.pk
    form = page(owner).get(f"/cases/{world.case.pk}/notes/add/").content.decode()
    assert 'type="radio" value="open_to_case_team" checked' in form


def test_only_the_recording_agency_changes_a_restriction_and_it_is_audited(
    world: World,
) -> None:
    entry = note(world, "open_to_case_team")
    url = f"/api/v1/cases/{world.case.pk}/chronology/{entry.pk}/restriction/"
    police = api(world.personas.partner)
    refused = police.put(url, {"restriction": "police_only"}, content_type="application/json")
    assert refused.status_code == 403
    with pytest.raises(Exception, match="Only the agency"):
        chronology_entry_restrict(
            actor=world.personas.partner, entry=entry, restriction="police_only"
        )
    owner = api(world.personas.owner)
    done = owner.put(url, {"restriction": "police_only"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["restriction"] == "police_only"
    event = AuditEvent.objects.filter(action="chronology.restrict").get()
    assert event.details["from"] == "open_to_case_team" and event.details["to"] == "police_only"
    bad = owner.put(url, {"restriction": "nope"}, content_type="application/json")
    assert bad.status_code == 400 and "restriction" in bad.json()
    # The page: the owner's agency gets the form; the police see the entry but not the form.
    form_url = f"/cases/{world.case.pk}/chronology/{entry.pk}/restriction/"
    assert page(world.personas.partner).get(form_url).status_code == 403
    assert page(world.users["team_partner"]).get(form_url).status_code == 404  # unreadable now
    posted = page(world.personas.owner).post(form_url, {"restriction": "originating_agency_only"})
    assert posted.status_code == 302
    entry.refresh_from_db()
    assert entry.restriction == "originating_agency_only"


def test_only_the_owning_agency_changes_a_marker_restriction(world: World) -> None:
    placed = marker(world, "open_to_case_team")
    url = f"/api/v1/warnings/{placed.pk}/restriction/"
    refused = api(world.personas.partner).put(
        url, {"restriction": "police_only"}, content_type="application/json"
    )
    assert refused.status_code == 403
    with pytest.raises(Exception, match="Only the agency"):
        warning_restrict(actor=world.personas.partner, marker=placed, restriction="police_only")
    hidden = api(world.personas.outsider).put(
        url, {"restriction": "police_only"}, content_type="application/json"
    )
    missing = api(world.personas.outsider).put(
        "/api/v1/warnings/00000000-0000-0000-0000-000000000000/restriction/",
        {"restriction": "police_only"},
        content_type="application/json",
    )
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)
    form_url = f"/addresses/warnings/{placed.pk}/restriction/"
    posted = page(world.personas.owner).post(form_url, {"restriction": "police_only"})
    assert posted.status_code == 302
    placed.refresh_from_db()
    assert placed.restriction == "police_only"
    assert AuditEvent.objects.filter(action="warning.restrict").count() == 1
    assert page(world.users["team_partner"]).get(form_url).status_code == 404


def test_subject_access_leaves_out_what_is_withheld(world: World) -> None:
    kept = note(world, "open_to_case_team")
    withheld = note(world, "do_not_disclose_to_subject")
    disclosable = set(ChronologyEntry.objects.disclosable_to_subject())
    assert kept in disclosable and withheld not in disclosable


# Panel agendas and minutes ----------------------------------------------------------------


def test_agendas_and_minutes_carry_no_restricted_note(personas: Personas) -> None:
    """Agenda items and minutes name the case and its risk, never the chronology: a note
    restricted from a member agency reaches it through no panel page or API."""
    from nestguard.accounts.models import RoleGrant
    from nestguard.panels.services.meetings import (
        attendance_record,
        attendance_sign,
        meeting_schedule,
    )
    from nestguard.panels.services.panels import panel_create, panel_member_add
    from nestguard.panels.tests.conftest import child_case

    chair = personas.supervisor
    RoleGrant.objects.get_or_create(user=chair, role="panel_chair")
    chair = User.objects.get(pk=chair.pk)
    case = child_case(personas.owner)
    case_team_add_agency(actor=personas.owner, case=case, agency=personas.police)
    texts = []
    for code in CODES:
        entry = case_note_add(
            actor=personas.owner, case=case, text=f"Panel-secret {code}", restriction=code
        )
        texts.append(entry.text)
    panel = panel_create(actor=chair, name="Northbrook MACEMM", meeting_type="macemm")
    panel_member_add(actor=chair, panel=panel, agency=personas.police)
    meeting = meeting_schedule(actor=chair, panel=panel, meets_on=timezone.localdate())
    attendance = attendance_record(actor=chair, meeting=meeting, user=personas.partner)
    attendance_sign(actor=personas.partner, attendance=attendance, agreed=True)
    for reader in (chair, personas.partner):
        meeting_page = page(reader).get(f"/panels/meetings/{meeting.pk}/")
        agenda = api(reader).get(f"/api/v1/meetings/{meeting.pk}/agenda/")
        assert meeting_page.status_code == 200 and agenda.status_code == 200
        assert case.reference in meeting_page.content.decode()  # the case is on the agenda
        for text in texts:
            assert text not in meeting_page.content.decode()
            assert text not in agenda.content.decode()
