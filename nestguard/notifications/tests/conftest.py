"""A real SMTP server (aiosmtpd) on a free port for each test that sends, and a world in which
every kind of notification falls due at one fixed moment, made with distinctive names,
addresses and case text that no email may carry."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from nestguard.cases.models import CaseTeamUser, Intervention
from nestguard.childhood.policy import add_months
from nestguard.core.calendar import UK
from nestguard.deconfliction.models import Notice, PlannedOperation
from nestguard.notifications.models import Delivery, NotificationPreference
from nestguard.panels.models import Action, Meeting, Panel
from nestguard.pathways.models import MissingEpisode, OnwardReferral
from nestguard.people.tests.builders import make_case, make_referral
from nestguard.places.models import (
    DisplacementAlert,
    PersonAddressLink,
    RepeatAddressAlert,
    WarningMarker,
)
from tests.factories import AddressFactory, PersonFactory

# A Tuesday morning in March, before the clocks change: UK time is UTC.
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UK)
TODAY = NOW.date()
BASE_URL = "https://nestguard.example.org"


class Collector:
    """The aiosmtpd handler: every message received, parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@dataclass
class Mailbox:
    controller: Controller
    handler: Collector
    port: int
    logins: Logins | None = None
    running: bool = True

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Envelope-To"] == address]

    def subjects(self, address: str) -> list[str]:
        return sorted(str(m["Subject"]) for m in self.to(address))

    def clear(self) -> None:
        self.handler.messages.clear()

    def stop(self) -> None:
        """The server goes away (the port then refuses connections)."""
        self.controller.stop()
        self.running = False

    def restart(self) -> None:
        """A new server on the same port (a stopped controller cannot start again)."""
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        # (a restarted server takes no sign-in: only the plain mailbox restarts)
        self.controller.start()
        self.running = True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Logins:
    """An aiosmtpd authenticator that accepts one account and records every attempt."""

    user: str
    password: str
    seen: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        login = data.login.decode()
        self.seen.append((mechanism, login))
        return AuthResult(success=(login, data.password.decode()) == (self.user, self.password))


@pytest.fixture
def mailbox(settings: Any):  # type: ignore[no-untyped-def]
    """An SMTP server on 127.0.0.1 and a free port, and Django pointed at it."""
    yield from _serve(settings)


@pytest.fixture
def guarded_mailbox(settings: Any):  # type: ignore[no-untyped-def]
    """An SMTP server that refuses mail until the client signs in (plain text, on loopback)."""
    logins = Logins("nestguard-relay", "relay passphrase 2026")
    yield from _serve(
        settings, logins, authenticator=logins, auth_required=True, auth_require_tls=False
    )


def _serve(settings: Any, logins: Logins | None = None, **server: Any):  # type: ignore[no-untyped-def]
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **server)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = logins.user if logins else ""
    settings.EMAIL_HOST_PASSWORD = logins.password if logins else ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "nestguard@council.example.org"
    settings.NESTGUARD_EMAIL_ENABLED = True
    settings.NESTGUARD_BASE_URL = BASE_URL
    box = Mailbox(controller, handler, port, logins=logins)
    try:
        yield box
    finally:
        if box.running:
            box.controller.stop()


# Words that must never leave the system in an email: people's names (of the people the
# records are about and of the users told), addresses and case text.
SECRETS = {
    "person given name": "Zebedee",
    "person family name": "Quillfeather",
    "second person": "Marigold",
    "young person": "Ashcombe",
    "address line": "Marrowbone Lane",
    "second address": "Thistledown Court",
    "postcode": "NB9 9ZZ",
    "case summary": "Larkspur crew",
    "action description": "Bramblewick visit",
    "intervention notes": "Honeysuckle plan",
    "episode circumstances": "Found near the Wisteria arches",
    "marker advice": "Gorsefield dogs",
    "marker contact": "Juniper desk",
    "recipient first name": "Ophelia",
    "recipient last name": "Brackenridge",
    "user last name": "Featherstonehaugh",
}


@dataclass
class World:
    personas: Any
    case: Any
    referral: Any
    action_due: Action
    action_overdue: Action
    intervention_due: Intervention
    intervention_overdue: Intervention
    episode: MissingEpisode
    repeat_alert: RepeatAddressAlert
    displacement: DisplacementAlert
    marker_due: WarningMarker
    marker_overdue: WarningMarker
    follow_up_due: OnwardReferral
    follow_up_overdue: OnwardReferral
    extra: dict[str, Any] = field(default_factory=dict)


def immediate(*users: Any) -> None:
    for user in users:
        NotificationPreference.objects.update_or_create(
            user=user, defaults={"delivery": Delivery.IMMEDIATE}
        )


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def make_world(personas: Any) -> World:
    """Every kind falls due between the look-back and NOW. Rows are written as the apps'
    services write them (the referral, case and place builders; the ORM where a service would
    check the wall clock), with dates relative to NOW."""
    owner, supervisor, partner = personas.owner, personas.supervisor, personas.partner
    for user, address in (
        (owner, "owner@hub.example.org"),
        (supervisor, "supervisor@hub.example.org"),
        (partner, "partner@police.example.org"),
        (personas.outsider, "outsider@housing.example.org"),
        (personas.ended_partner, "ended@yjs.example.org"),
        (personas.retired, "retired@former.example.org"),
    ):
        user.email = address
        user.save(update_fields=["email"])
    owner.first_name, owner.last_name = "Ophelia", "Brackenridge"
    owner.save(update_fields=["first_name", "last_name"])
    supervisor.last_name = "Featherstonehaugh"
    supervisor.save(update_fields=["last_name"])

    person = PersonFactory(given_name="Zebedee", family_name="Quillfeather")
    other = PersonFactory(given_name="Marigold", family_name="Quillfeather")
    home = AddressFactory(line1="4 Marrowbone Lane", postcode="NB9 9ZZ", postcode_key="NB99ZZ")
    elsewhere = AddressFactory(
        line1="9 Thistledown Court", postcode="NB9 9ZZ", postcode_key="NB99ZZ"
    )
    case = make_case(
        lead_agency=personas.hub,
        subjects=[(person, "victim"), (other, "suspected_exploiter")],
        team_agencies=[personas.police],
        addresses=[home],
    )
    case.summary = "Cuckooing by the Larkspur crew at the flat"
    case.lead_worker = owner
    case.save(update_fields=["summary", "lead_worker"])

    # A young person 17 years and 6 months old today, on a second hub case with no adult
    # service named: the hub is told to plan the transition (decision 0110).
    teenager = PersonFactory(
        given_name="Peregrine", family_name="Ashcombe", date_of_birth=add_months(TODAY, -210)
    )
    make_case(
        lead_agency=personas.hub,
        subjects=[(teenager, "victim")],
        opened_at=NOW - timedelta(days=30),
    )

    referral = make_referral(
        referrer=personas.referrer,
        subjects=[(person, "victim")],
        triage_agencies=[personas.hub],
        address=home,
    )
    referral.triage_due_at = NOW - timedelta(hours=2)
    referral.save(update_fields=["triage_due_at"])

    panel = Panel.objects.create(name="Northbrook MACE", meeting_type="macemm", cadence_days=28)
    meeting = Meeting.objects.create(reference="MTG-T1", panel=panel, meets_on=days(-14))

    def action(reference: str, due_on: date) -> Action:
        return Action.objects.create(
            reference=reference,
            panel=panel,
            meeting=meeting,
            description="Bramblewick visit to Zebedee Quillfeather at 4 Marrowbone Lane",
            owner_agency=personas.hub,
            owner=owner,
            due_on=due_on,
            created_by=owner,
        )

    def intervention(due_on: date) -> Intervention:
        return Intervention.objects.create(
            case=case,
            type="wraparound_support",
            owner=owner,
            owner_agency=personas.hub,
            starts_on=days(-20),
            due_on=due_on,
            notes="Honeysuckle plan for Zebedee",
        )

    episode = MissingEpisode.objects.create(
        reference="MIS-T1",
        person=person,
        case=case,
        recorded_by=owner,
        recording_agency=personas.hub,
        report_type="missing",
        risk_grade="medium",
        category="child_in_family",
        care_status="not_in_care",
        started_at=NOW - timedelta(hours=100),
        reported_at=NOW - timedelta(hours=99),
        returned_at=NOW - timedelta(hours=80),
        circumstances="Found near the Wisteria arches with Marigold",
    )
    repeat_alert = RepeatAddressAlert.objects.create(
        address=home, raised_at=NOW - timedelta(hours=5), report_count=3, window_days=90,
        threshold=3,
    )  # fmt: skip
    link = PersonAddressLink.objects.create(
        person=person, address=elsewhere, role="resident", from_date=days(-1), case=case
    )
    displacement = DisplacementAlert.objects.create(
        person=person, from_address=home, to_address=elsewhere, case=case, link=link,
        reason=f"Zebedee Quillfeather moved from 4 Marrowbone Lane ({case.reference})",
        raised_at=NOW - timedelta(hours=3),
    )  # fmt: skip

    def marker(review_on: date) -> WarningMarker:
        return WarningMarker.objects.create(
            address=home, category="violence", level="high",
            advice="Gorsefield dogs at 4 Marrowbone Lane", contact="Juniper desk, 101",
            owner_agency=personas.hub, owner=owner, case=case,
            review_on=review_on, expires_on=days(60),
        )  # fmt: skip

    # The police plan a warrant at the home; the hub, which leads the case there, is told.
    warrant = PlannedOperation.objects.create(
        reference="DCF-T1", address=home, kind="warrant", agency=personas.police,
        planned_by=partner, partner_note="Entry at Larkspur flat may be forced",
        starts_at=NOW + timedelta(days=2), ends_at=NOW + timedelta(days=2, hours=4),
    )  # fmt: skip
    Notice.objects.create(
        operation=warrant, agency=personas.hub, reasons=["leads a case at the address"],
        told_at=NOW - timedelta(hours=1),
    )  # fmt: skip

    def follow_up(reference: str, due_on: date) -> OnwardReferral:
        """Sent by the owner; the service completed its work and its aftercare ends on `due_on`."""
        return OnwardReferral.objects.create(
            reference=reference, case=case, person=person, service="young_adult_employment",
            status="completed", consent_given=True, reason="Honeysuckle plan",
            sent_on=days(-120), sent_by=owner, sent_by_agency=personas.hub,
            responded_on=days(-110), completed_on=days(-95), outcome="Finished the course",
            follow_up_due_on=due_on, follow_up_label="Aftercare ends",
        )  # fmt: skip

    return World(
        personas=personas,
        case=case,
        referral=referral,
        action_due=action("ACT-T1", TODAY),
        action_overdue=action("ACT-T2", days(-2)),
        intervention_due=intervention(TODAY),
        intervention_overdue=intervention(days(-3)),
        episode=episode,
        repeat_alert=repeat_alert,
        displacement=displacement,
        marker_due=marker(days(10)),
        marker_overdue=marker(days(-1)),
        follow_up_due=follow_up("ONW-T1", TODAY),
        follow_up_overdue=follow_up("ONW-T2", days(-2)),
    )


@pytest.fixture
def world(personas: Any) -> World:
    return make_world(personas)


def name_ended_partner_on_case(world: World) -> None:
    CaseTeamUser.objects.create(case=world.case, user=world.personas.ended_partner)
