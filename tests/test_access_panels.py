"""The access truth table of the panels app: every panel page and endpoint by the seven
personas, and the minutes rule as a truth table of its own.

The world, made through the services: a child exploitation case led by the hub (the owner's
agency), assessed high; a MACEMM panel chaired by the hub's supervisor (given the panel chair
role here), with the hub and the police as member agencies; today's meeting, whose agenda
built itself and holds the case; the partner (a police caseworker) recorded as attending and
signed; an action owned by the owner. So:

- owner (hub caseworker, member agency, not at the meeting): sees the panel and owns the
  action, but does not read the minutes (403: caseworkers of member agencies who did not
  attend do not receive them);
- supervisor: the chair; everything;
- partner: a signed attendee: reads the minutes and the action, changes nothing;
- outsider: no member agency, not at the meeting: 404 for the panel and all in it;
- ended_partner: a caseworker whose agency's agreement ended: as the outsider (404);
- lone_chair: a panel chair at an agency with no agreement, chairing a panel of their own
  (empty agenda): reaches the panel pages, and 404 for this panel and all in it;
- referrer, auditor, admin: their roles do not reach panel pages (403). Auditors see who read
  the minutes in the audit trail, never the minutes (docs/decisions/0050).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.accounts.models import RoleGrant, User
from nestguard.accounts.services import sharing_agreement_create
from nestguard.panels import rules
from nestguard.panels.models import Action, Meeting, Panel
from nestguard.panels.services.actions import action_record
from nestguard.panels.services.meetings import (
    attendance_record,
    attendance_sign,
    meeting_schedule,
)
from nestguard.panels.services.panels import panel_create, panel_member_add
from nestguard.panels.tests.conftest import child_case
from tests.factories import AgencyFactory, UserFactory
from tests.test_access_truth_table import (
    PERSONAS,
    Row,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    expect,
    hidden_rows,
)


@dataclass
class World:
    personas: Personas
    panel: Panel
    meeting: Meeting
    ids: dict[str, Any]


def _grant(user: User, role: str) -> None:
    RoleGrant.objects.get_or_create(user=user, role=role)
    user.__dict__.pop("_role_codes", None)


@pytest.fixture
def world(personas: Personas) -> World:
    chair = personas.supervisor
    _grant(chair, "panel_chair")
    case = child_case(personas.owner)
    panel = panel_create(actor=chair, name="Northbrook MACEMM", meeting_type="macemm")
    panel_member_add(actor=chair, panel=panel, agency=personas.police)
    meeting = meeting_schedule(actor=chair, panel=panel, meets_on=timezone.localdate())
    item = meeting.items.get()
    lone = panel_create(actor=personas.lone_chair, name="Elsewhere panel", meeting_type="macemm")
    lone_meeting = meeting_schedule(
        actor=personas.lone_chair, panel=lone, meets_on=timezone.localdate()
    )
    assert not lone_meeting.items.exists()  # its members hold no agreement (decision 0073)
    attendance = attendance_record(actor=chair, meeting=meeting, user=personas.partner)
    attendance_sign(actor=personas.partner, attendance=attendance, agreed=True)
    action = action_record(
        actor=chair,
        meeting=meeting,
        item=item,
        description="Offer a return home interview",
        owner_agency=personas.hub,
        owner=personas.owner,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    ids = {
        "panel": panel.pk,
        "meeting": meeting.pk,
        "item": item.pk,
        "action": action.pk,
        "case": case.pk,
    }
    return World(personas=personas, panel=panel, meeting=meeting, ids=ids)


def panel(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["panel"]}


def meeting(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["meeting"]}


def item(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["meeting"], "item_pk": ids["item"]}


def action(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["action"]}


# The lone chair (a panel chair at an agency with no agreement) reaches the panel pages and
# chairs a panel of their own, but this panel and all in it answer them 404.
PANEL_USERS = expect(200, 200, 200, 200, 403, 403, 403, lone_chair=200)  # chairs, caseworkers
CHAIR_ROLE = expect(403, 200, 403, 403, 403, 403, 403, lone_chair=200)  # the panel chair role
PANEL_SEEN = expect(200, 200, 200, 404, 403, 403, 403, lone_chair=404)  # member agencies
CHAIR_ONLY = expect(403, 200, 403, 404, 403, 403, 403, lone_chair=404)  # the panel's chairs
# The minutes: the chair and the signed attendee; a member agency's caseworker who did not
# attend does not receive them (403: the meeting is listed on the panel page they see).
MINUTES = expect(403, 200, 200, 404, 403, 403, 403, lone_chair=404)
ACTION_SEEN = expect(200, 200, 200, 404, 403, 403, 403, lone_chair=404)  # owner, chair, attendee
ACTION_UPDATE = expect(200, 200, 403, 404, 403, 403, 403, lone_chair=404)  # owner and chair


def _due() -> str:
    return (timezone.localdate() + timedelta(days=14)).isoformat()


TABLE: list[Row] = [
    Row("panels:list", PANEL_USERS),
    Row("panels:create", CHAIR_ROLE),
    Row("panels:detail", PANEL_SEEN, panel),
    Row("panels:member_add", CHAIR_ONLY, panel),
    Row("panels:schedule", CHAIR_ONLY, panel),
    Row("panels:meeting", MINUTES, meeting),
    Row("panels:agenda_build", CHAIR_ONLY, meeting),
    Row("panels:item_add", CHAIR_ONLY, meeting),
    Row(
        "panels:item_move",
        CHAIR_ONLY | {"supervisor": 302},
        item,
        method="POST",
        body=lambda ids, user: {"direction": "down"},
    ),
    Row("panels:item_minutes", CHAIR_ONLY, item),
    Row("panels:attendance_add", CHAIR_ONLY, meeting),
    # Only someone recorded at the meeting signs its agreement (the partner already has).
    Row("panels:agreement", expect(403, 403, 200, 404, 403, 403, 403, lone_chair=404), meeting),
    Row("panels:hold", CHAIR_ONLY, meeting),
    Row("panels:action_add", CHAIR_ONLY, meeting),
    Row("panels:actions", PANEL_USERS),
    Row("panels:action", ACTION_SEEN, action),
    Row("panels:action_update", ACTION_UPDATE, action),
    Row(
        "panels:action_update",
        ACTION_UPDATE | {"owner": 302, "supervisor": 302},
        action,
        method="POST",
        label="(in progress)",
        body=lambda ids, user: {"status": "in_progress", "note": "Started"},
    ),
    # The API, with a token per persona
    Row("api:panel_list", PANEL_USERS),
    Row("api:meeting_agenda", MINUTES, meeting),
    Row(
        "api:meeting_actions",
        CHAIR_ONLY | {"supervisor": 201},
        meeting,
        method="POST",
        body=lambda ids, user: {
            "description": "Share the return interview's themes with the police",
            "owner": "partner",
            "due_on": _due(),
            "item": 1,
        },
    ),
    Row(
        "api:action_update",
        ACTION_UPDATE,
        action,
        method="POST",
        body=lambda ids, user: {
            "status": "in_progress",
            "note": "Visit booked",
            # An update carries the version it was made from (decision 84).
            "version": Action.objects.get(pk=ids["action"]).version,
        },
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, world: World) -> None:
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}  # type: ignore[arg-type]
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id} ({row.path(world.ids)}): " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )


HIDDEN_ROWS = hidden_rows(TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("row", HIDDEN_ROWS, ids=[row.id for row in HIDDEN_ROWS])
def test_hidden_answers_as_missing(row: Row, world: World) -> None:
    assert_hidden_answers_as_missing(row, world)


def test_every_persona_has_a_column() -> None:
    for row in TABLE:
        assert tuple(row.expected) == PERSONAS, row.id


# ---------------------------------------------------------------------------------------------
# Who reads the minutes: the rule itself, one user at a time (docs/decisions/0050)


@dataclass(frozen=True)
class Reader:
    label: str
    make: Callable[[World], User]
    reads: bool
    page: int  # the meeting page: 200, 302 (to the agreement), 403 or 404


def _user(world: World, name: str, agency: Any, roles: list[str]) -> User:
    return UserFactory(username=name, agency=agency, roles=roles)


def _attendee(world: World, user: User, *, signed: bool) -> User:
    attendance = attendance_record(
        actor=world.personas.supervisor, meeting=world.meeting, user=user
    )
    if signed:
        attendance_sign(actor=user, attendance=attendance, agreed=True)
    return user


def _contact(world: World) -> User:
    user = _user(world, "police.contact", world.personas.police, ["caseworker"])
    member = world.panel.members.get(agency=world.personas.police)
    member.contact = user  # set as the panel_member_add service would for a named contact
    member.save(update_fields=["contact"])
    return user


def _other_chair(world: World) -> User:
    user = _user(world, "other.chair", world.personas.hub, ["panel_chair"])
    panel_create(actor=user, name="Northbrook ASB panel", meeting_type="asb")
    return user


READERS: list[Reader] = [
    Reader("the panel's chair", lambda w: w.personas.supervisor, True, 200),
    Reader(
        "the chair, recorded and not yet signed",
        lambda w: _attendee(w, w.personas.supervisor, signed=False),
        True,
        200,
    ),
    Reader("a chair of another panel, in a member agency", _other_chair, True, 200),
    Reader(
        "a panel chair of a non-member agency",
        lambda w: _user(w, "far.chair", w.personas.outsider_agency, ["panel_chair"]),
        False,
        404,
    ),
    Reader(
        "a supervisor of a member agency",
        lambda w: _user(w, "police.sup", w.personas.police, ["supervisor"]),
        True,
        200,
    ),
    Reader(
        "a caseworker of a member agency",
        lambda w: _user(w, "police.cw", w.personas.police, ["caseworker"]),
        False,
        403,
    ),
    Reader("a member agency's named point of contact", _contact, True, 200),
    Reader("an attendee who signed (partner)", lambda w: w.personas.partner, True, 200),
    Reader(
        "an attendee from a non-member agency, signed",
        lambda w: _attendee(
            w, _user(w, "school.dsl", w.personas.school, ["caseworker"]), signed=True
        ),
        True,
        200,
    ),
    Reader(
        "an attendee from a non-member agency, not signed",
        lambda w: _attendee(
            w, _user(w, "school.dsl2", w.personas.school, ["caseworker"]), signed=False
        ),
        False,
        302,
    ),
    Reader(
        "a member agency's supervisor, attending, not signed",
        lambda w: _attendee(
            w, _user(w, "police.sup2", w.personas.police, ["supervisor"]), signed=False
        ),
        False,
        302,
    ),
    Reader("an outsider caseworker", lambda w: w.personas.outsider, False, 404),
    Reader("the owner (member caseworker, not attending)", lambda w: w.personas.owner, False, 403),
    Reader("an auditor of a member agency", lambda w: w.personas.auditor, False, 403),
    Reader("an administrator", lambda w: w.personas.admin, False, 403),
    Reader(
        "an analyst of a member agency",
        lambda w: _user(w, "hub.analyst", w.personas.hub, ["analyst"]),
        False,
        403,
    ),
    Reader("a referrer", lambda w: w.personas.referrer, False, 403),
]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", READERS, ids=[r.label for r in READERS])
def test_who_reads_the_minutes(reader: Reader, world: World) -> None:
    user = reader.make(world)
    user = User.objects.get(pk=user.pk)  # fresh roles
    assert rules.may_read_minutes(user, world.meeting) is reader.reads
    assert world.meeting in rules.readable_meetings(user) if reader.reads else True
    response = sign_in(Client(), user).get(reverse("panels:meeting", args=[world.meeting.pk]))
    assert response.status_code == reader.page
    if reader.page == 302:
        assert response["Location"] == reverse("panels:agreement", args=[world.meeting.pk])
    if reader.page == 200:
        assert b"Jamie Childperson" in response.content
    else:
        assert b"Jamie Childperson" not in response.content


@pytest.mark.django_db
def test_an_inactive_chair_reads_nothing(world: World) -> None:
    chair = world.personas.supervisor
    chair.is_active = False
    chair.save(update_fields=["is_active"])
    assert not rules.may_read_minutes(User.objects.get(pk=chair.pk), world.meeting)


@pytest.mark.django_db
def test_the_agenda_api_follows_the_same_rule(world: World) -> None:
    from nestguard.accounts.services import api_token_create

    for reader in READERS:
        user = User.objects.get(pk=reader.make(world).pk)
        _, token = api_token_create(actor=None, user=user)
        response = Client(headers={"Authorization": f"Bearer {token}"}).get(
            reverse("api:meeting_agenda", args=[world.meeting.pk])
        )
        wanted = {200: 200, 302: 403, 403: 403, 404: 404}[reader.page]
        assert response.status_code == wanted, reader.label


@pytest.mark.django_db
def test_a_new_agency_is_404_until_it_joins(world: World) -> None:
    agency = AgencyFactory(name="Northbrook Youth Justice", type="youth_justice")
    user = _user(world, "yjs.sup", agency, ["supervisor"])
    client = sign_in(Client(), user)
    url = reverse("panels:meeting", args=[world.meeting.pk])
    assert client.get(url).status_code == 404
    # It joins under an agreement with the agencies already on the panel (decision 0073).
    sharing_agreement_create(
        actor=None,
        name="Youth justice panel agreement",
        parties=[agency, world.personas.hub, world.personas.police],
        purposes="Safeguarding children at risk of criminal exploitation",
        lawful_basis="safeguarding_sch1_para18",
        starts_on=timezone.localdate() - timedelta(days=1),
        review_on=timezone.localdate() + timedelta(days=365),
    )
    panel_member_add(actor=world.personas.supervisor, panel=world.panel, agency=agency)
    assert client.get(url).status_code == 200
