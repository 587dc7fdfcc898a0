"""The demo partnership: agencies, a user for each role and persona, sharing agreements.

These are made through the accounts services, as an administrator would, so each has its
own audit event. Every user shares the one demo password and has a fixed TOTP secret, so
the demo also works with the second factor switched on.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from nestguard.accounts.models import Agency, User
from nestguard.accounts.services import agency_create, sharing_agreement_create, user_create

# Made up for the demo only; never a real account's password.
DEMO_PASSWORD = "northbrook demo only 2026"  # noqa: S105


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    type: str
    is_hub: bool = False
    # Party to the borough's sharing agreement? The outsider is not.
    shares: bool = True
    # A first responder organisation for the NRM: the police and the council's own services
    # (shared reference section 4: police forces and local authorities are statutory ones).
    first_responder: bool = False


@dataclass(frozen=True)
class PersonaSpec:
    username: str
    agency: str
    roles: tuple[str, ...]
    first_name: str
    last_name: str
    job_title: str
    persona: str


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        "hub", "Northbrook Exploitation Hub", "community_safety", is_hub=True, first_responder=True
    ),
    AgencySpec("police", "Northbrook Police", "police", first_responder=True),
    AgencySpec("housing", "Northbrook Council Housing", "housing", first_responder=True),
    AgencySpec("ha", "Brookside Homes", "housing_association"),
    AgencySpec("asc", "Northbrook Adult Social Care", "adult_social_care", first_responder=True),
    AgencySpec(
        "csc", "Northbrook Children's Social Care", "childrens_social_care", first_responder=True
    ),
    AgencySpec("health", "Northbrook Community Health", "health"),
    AgencySpec("ed", "Northbrook General Hospital Emergency Department", "emergency_department"),
    AgencySpec("school", "Northbrook Academy", "school"),
    AgencySpec("school2", "Fellowfield High School", "school"),
    AgencySpec("fire", "Northbrook Fire and Rescue Service", "fire"),
    AgencySpec("probation", "Northbrook Probation Delivery Unit", "probation"),
    AgencySpec("yjs", "Northbrook Youth Justice Service", "youth_justice"),
    AgencySpec("recovery", "Northbrook Recovery Service", "substance_misuse"),
    AgencySpec("voluntary", "Northbrook Community Links", "voluntary"),
    AgencySpec("outsider", "Eastmere Housing Trust", "housing_association", shares=False),
)

_P = PersonaSpec
# fmt: off
PERSONAS: tuple[PersonaSpec, ...] = (
    _P("hub.caseworker", "hub", ("caseworker", "referrer"), "Priya", "Hollins",
       "Exploitation protection officer", "Owner: leads most cases and triages referrals"),
    _P("hub.caseworker2", "hub", ("caseworker", "referrer"), "Tom", "Garside",
       "Exploitation protection officer", "A second hub caseworker"),
    _P("hub.caseworker3", "hub", ("caseworker",), "Aisha", "Rahman",
       "Complex safeguarding officer", "A third hub caseworker"),
    _P("hub.supervisor", "hub", ("supervisor",), "Helen", "Marsden",
       "Exploitation team manager", "Supervisor of the hub"),
    _P("prevent.lead", "hub", ("caseworker",), "Bethan", "Ashcroft",
       "Prevent coordinator", "The council's Prevent lead: gateway, Channel panel, consent"),
    _P("panel.chair", "hub", ("panel_chair",), "Graham", "Ormerod",
       "Vulnerability panel chair", "Chairs the MACE panel"),
    _P("analyst", "hub", ("analyst",), "Nadia", "Okafor",
       "Community safety analyst", "Sees aggregates, not names"),
    _P("partnership.manager", "hub", ("partnership_manager",), "Owen", "Bradshaw",
       "Community safety partnership manager", "Enters project costs; reads the reports"),
    _P("auditor", "hub", ("auditor",), "Martin", "Sagar",
       "Data protection officer", "Reads the audit trail"),
    _P("linkage.reviewer", "hub", ("linkage_reviewer",), "Farah", "Qureshi",
       "Data officer", "Imports agencies' records; reviews uncertain matches in the person index"),
    _P("admin", "hub", ("admin",), "Julie", "Crabtree",
       "Systems administrator", "Manages agencies, users and agreements"),
    _P("police.caseworker", "police", ("caseworker", "referrer"), "Sean", "Whittaker",
       "Neighbourhood disruption officer", "Partner with an agreement"),
    _P("police.referrer", "police", ("referrer",), "Kelly", "Entwistle",
       "Police community support officer", "Refers what patrols see"),
    _P("police.intel", "police", ("intelligence_officer",), "Rukhsana", "Lathom",
       "Intelligence officer", "Grades and sanitises partner intelligence (decision 0097)"),
    _P("police.intel2", "police", ("intelligence_officer",), "Tom", "Ashworth",
       "Intelligence officer", "Second checks of sanitised intelligence"),
    _P("housing.caseworker", "housing", ("caseworker", "referrer"), "Dean", "Lomax",
       "Tenancy enforcement officer", "Council housing partner"),
    _P("housing.referrer", "housing", ("referrer",), "Rachel", "Pollitt",
       "Neighbourhood housing officer", "Refers tenancy concerns"),
    _P("ha.referrer", "ha", ("referrer",), "Gemma", "Unsworth",
       "Housing officer", "Housing association referrer"),
    _P("asc.caseworker", "asc", ("caseworker", "referrer"), "Carl", "Fenwick",
       "Adult safeguarding practitioner", "Adult social care partner"),
    _P("asc.referrer", "asc", ("referrer",), "Maria", "Kowalski",
       "Social worker", "Adult social care referrer"),
    _P("csc.caseworker", "csc", ("caseworker", "referrer"), "Leanne", "Heywood",
       "Complex safeguarding social worker", "Leads child exploitation cases"),
    _P("csc.supervisor", "csc", ("supervisor",), "Stephen", "Warburton",
       "Team manager, complex safeguarding", "Supervisor in children's social care"),
    _P("csc.referrer", "csc", ("referrer",), "Hannah", "Begum",
       "Social worker", "Children's social care referrer"),
    _P("health.referrer", "health", ("referrer",), "Claire", "Brierley",
       "District nurse", "Community health referrer"),
    _P("ed.referrer", "ed", ("referrer",), "Samira", "Iqbal",
       "Emergency department nurse", "A&E referrer"),
    _P("school.referrer", "school", ("referrer",), "Angela", "Haworth",
       "Designated safeguarding lead", "A teacher who makes referrals"),
    _P("school2.referrer", "school2", ("referrer",), "Wayne", "Tattersall",
       "Designated safeguarding lead", "A second school"),
    _P("fire.referrer", "fire", ("referrer",), "Paul", "Ramsbottom",
       "Home safety officer", "Fire and rescue referrer"),
    _P("probation.referrer", "probation", ("referrer",), "Natalie", "Sharples",
       "Probation officer", "Probation referrer"),
    _P("yjs.referrer", "yjs", ("referrer",), "Marcus", "Mensah",
       "Youth justice worker", "Youth justice referrer"),
    _P("recovery.referrer", "recovery", ("referrer",), "Zoe", "Halliwell",
       "Recovery worker", "Substance misuse referrer"),
    _P("voluntary.referrer", "voluntary", ("referrer",), "Ibrahim", "Chowdhury",
       "Outreach worker", "Voluntary sector referrer"),
    # Keeps the services directory for the partnership (decision 0108): a partner's worker
    # with no other power.
    _P("links.directory", "voluntary", ("directory_editor",), "Tamsin", "Okafor-Lyle",
       "Partnerships coordinator", "Keeps the services directory"),
    _P("outsider.caseworker", "outsider", ("caseworker", "referrer"), "Lisa", "Quayle",
       "Tenancy sustainment officer", "Outsider: an agency with no sharing agreement"),
    # Two at the hub, so that a disposal batch about children can be approved twice.
    _P("dpo.hub", "hub", ("data_protection_officer",), "Morwenna", "Achterberg",
       "Data protection officer", "Retention, subject access, breaches, records of processing"),
    _P("dpo.deputy", "hub", ("data_protection_officer",), "Ifeoluwa", "Brandreth",
       "Deputy data protection officer", "Second approver of disposal about children"),
)
# fmt: on


def totp_secret_for(username: str) -> str:
    """A fixed base32 TOTP secret per demo user (160 bits), the same on every machine."""
    digest = hashlib.sha256(f"nestguard-demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


@dataclass
class Partnership:
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    agreements: int = 0

    def caseworkers(self, agency_key: str) -> list[User]:
        agency = self.agencies[agency_key]
        return [
            u
            for u in self.users.values()
            if u.agency_id == agency.id and {"caseworker", "supervisor"} & set(u.role_codes)
        ]

    def referrer(self, agency_key: str) -> User:
        """The agency's referrer persona (or its caseworker where it has no referrer)."""
        agency = self.agencies[agency_key]
        for u in self.users.values():
            if u.agency_id == agency.id and "referrer" in u.role_codes:
                return u
        raise KeyError(agency_key)


def _contact(spec: AgencySpec, index: int) -> dict[str, Any]:
    slug = spec.key.replace("_", "")
    return {
        "contact_name": "Duty desk",
        # Ofcom's drama range and the reserved .example domain: nothing here is reachable.
        "contact_phone": f"01632 960{index:03d}",
        "contact_email": f"duty@{slug}.northbrook.example",
    }


def create_partnership(*, actor: Any, today: date) -> Partnership:
    """Agencies, persona users and sharing agreements, each through its service."""
    result = Partnership()
    for index, spec in enumerate(AGENCIES):
        result.agencies[spec.key] = agency_create(
            actor=actor,
            name=spec.name,
            type=spec.type,
            is_hub=spec.is_hub,
            is_first_responder=spec.first_responder,
            **_contact(spec, index),
        )
    for persona in PERSONAS:
        agency = result.agencies[persona.agency]
        user = user_create(
            actor=actor,
            username=persona.username,
            agency=agency,
            roles=persona.roles,
            password=DEMO_PASSWORD,
            first_name=persona.first_name,
            last_name=persona.last_name,
            email=f"{persona.username}@northbrook.example",
            job_title=persona.job_title,
            phone=f"01632 961{len(result.users):03d}",
            totp_secret=totp_secret_for(persona.username),
        )
        user._role_codes = frozenset(persona.roles)
        result.users[persona.username] = user
    sharing = [result.agencies[s.key] for s in AGENCIES if s.shares]
    sharing_agreement_create(
        actor=actor,
        name="Northbrook exploitation information sharing agreement",
        parties=sharing,
        purposes=(
            "Identifying, safeguarding and supporting people at risk of cuckooing, county "
            "lines and criminal or sexual exploitation, and disrupting those who exploit them"
        ),
        lawful_basis="safeguarding_sch1_para18",
        starts_on=today - timedelta(days=365 * 3 + 60),
        review_on=today + timedelta(days=200),
    )
    children = [result.agencies[k] for k in ("hub", "police", "csc", "school", "school2", "yjs")]
    sharing_agreement_create(
        actor=actor,
        name="Northbrook child exploitation protocol",
        parties=[*children, result.agencies["health"], result.agencies["ed"]],
        purposes="Safeguarding children at risk of criminal and sexual exploitation",
        lawful_basis="safeguarding_sch1_para18",
        starts_on=today - timedelta(days=365 * 2),
        review_on=today + timedelta(days=90),
    )
    result.agreements = 2
    return result


def persona_rows() -> list[dict[str, str]]:
    """What the sign-in help prints: username, role, agency, persona, TOTP secret."""
    names = {s.key: s.name for s in AGENCIES}
    return [
        {
            "username": p.username,
            "roles": ", ".join(p.roles),
            "agency": names[p.agency],
            "persona": p.persona,
            "totp_secret": totp_secret_for(p.username),
        }
        for p in PERSONAS
    ]
