"""The access truth table: for every page and API endpoint, what each persona gets.

This table IS the permission specification (docs/decisions/0002-access-model.md). The world
behind it, made through the services as users make it:

- a referral by the referrer (a teacher) routed to the hub, accepted by the owner, which
  opened a case led by the hub with the police (the partner's agency) on its team, with its
  person and address, a risk assessment and an intervention;
- a second referral by the referrer, still waiting for triage;
- a third, the referrer's unfinished draft;
- the youth justice service (the ended partner's agency) on the case's team and the ended
  partner named on it, both added while their agreement with the hub was in force; then the
  agreement ended. The ended partner answers as the outsider on every row (issue 10 point 5);
- the lone chair (a panel chair at an agency with no agreement) chairs a panel of their own
  agency only: outside panels they reach what referrers reach, and none of the referrer's own;
- the lone referrer (a referrer at an agency with no agreement) has made no referrals: they
  reach what the referrer reaches, and none of the referrer's own (issue 10 point 10).

Statuses: 200/201 the page or the change; 302 a redirect; 403 the persona's roles (or their
part in the case) do not reach the page, whose existence is no secret; 404 a record outside
what the persona may see, exactly as one that does not exist. API POSTs send a valid body, so
what stops a persona is access and nothing else; each persona's POST is rolled back so the
next one meets the same world. A URL pattern without a row fails `test_every_url_has_a_row`.
Every 404 is also asked again with the record's id swapped for one that does not exist: the
answers must be the same, status and body (`test_hidden_answers_as_missing`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.accounts.models import ApiToken, SharingAgreement
from nestguard.accounts.services import (
    api_token_create,
    sharing_agreement_create,
    sharing_agreement_end,
)
from nestguard.cases.models import Case
from nestguard.cases.services.interventions import intervention_add
from nestguard.cases.services.work import case_team_add_agency, case_team_add_user
from nestguard.jobs import enqueue
from nestguard.panels.services.panels import panel_create
from nestguard.referrals import services as referrals
from nestguard.referrals.models import Referral
from nestguard.risk.loader import get_instrument
from nestguard.risk.services import assessment_record
from tests.urlmap import endpoints

PERSONAS = (
    "owner", "supervisor", "partner", "outsider", "referrer", "auditor", "admin",
    "ended_partner", "lone_chair", "lone_referrer",
)  # fmt: skip


@dataclass
class World:
    personas: Personas
    referral: Referral  # accepted: it became the case
    pending: Referral  # submitted, waiting for triage
    draft: Referral  # the referrer's unfinished draft
    case: Case
    ids: dict[str, Any] = field(default_factory=dict)


def _referral(actor: Any, *, family_name: str, submit: bool) -> Referral:
    referral = referrals.referral_start(actor=actor)
    referrals.referral_details_update(
        actor=actor, referral=referral, phone="01632 960 001", job_title="Safeguarding lead"
    )
    referrals.referral_subject_add(
        actor=actor,
        referral=referral,
        role="victim",
        given_name="Robin",
        family_name=family_name,
        date_of_birth=dt.date(1962, 5, 17),
    )
    referrals.referral_address_update(
        actor=actor, referral=referral, line1="21 Testing Street", town="Northbrook",
        postcode="NB1 2AB",
    )  # fmt: skip
    referrals.referral_concerns_update(
        actor=actor,
        referral=referral,
        concern_types=["cuckooing"],
        indicators=["unfamiliar_visitors"],
        signs_text="Visitors at all hours.",
    )
    referrals.referral_urgency_update(actor=actor, referral=referral, urgency="medium")
    referrals.referral_consent_update(
        actor=actor,
        referral=referral,
        lawful_basis="safeguarding_sch1_para18",
        consent="not_sought",
        consent_reason="would_prejudice",
    )
    referral.refresh_from_db()
    if submit:
        referral = referrals.referral_submit(actor=actor, referral=referral)
    return referral


@pytest.fixture
def world(personas: Personas) -> World:
    owner, referrer = personas.owner, personas.referrer
    accepted = _referral(referrer, family_name="Casesubject", submit=True)
    accepted = referrals.referral_triage(
        actor=owner, referral=accepted, decision="accept", reason="Clear signs of cuckooing"
    )
    accepted.refresh_from_db()
    case = Case.objects.get(pk=accepted.case_id)
    case_team_add_agency(actor=owner, case=case, agency=personas.police)
    _ended_partner_was_on_the_team(personas, case)
    panel_create(actor=personas.lone_chair, name="Elsewhere panel", meeting_type="asb")
    pending = _referral(referrer, family_name="Pendingsubject", submit=True)
    draft = _referral(referrer, family_name="Draftsubject", submit=False)
    tool = get_instrument("cuckooing_adult")
    assert tool is not None
    assessment = assessment_record(
        actor=owner,
        case=case,
        instrument=tool,
        stage="initial",
        answers={item.code: item.options[1].code for item in tool.items},
    )
    intervention = intervention_add(
        actor=owner,
        case=case,
        type="safety_plan",
        owner=owner,
        starts_on=timezone.localdate(),
    )
    world = World(personas=personas, referral=accepted, pending=pending, draft=draft, case=case)
    world.ids = {
        "case": case.pk,
        "referral": accepted.pk,
        "pending": pending.pk,
        "draft": draft.pk,
        "draft_subject": draft.subjects.get().pk,
        "person": case.subjects.first().person_id,  # type: ignore[union-attr]
        "address": case.addresses.first().address_id,  # type: ignore[union-attr]
        "assessment": assessment.pk,
        "intervention": intervention.pk,
        "owner": owner.pk,
        "police": personas.police.pk,
        "agreement": SharingAgreement.objects.get(parties=personas.police).pk,
        "job_run": enqueue("places.repeat_addresses", started_by=personas.admin).pk,
    }
    return world


def _ended_partner_was_on_the_team(personas: Personas, case: Case) -> None:
    """The youth justice service joined the case under an agreement that has since ended."""
    owner = personas.owner
    agreement = sharing_agreement_create(
        actor=None,
        name="Youth justice case agreement",
        parties=[personas.hub, personas.youth_justice],
        purposes="Safeguarding children at risk of criminal exploitation",
        lawful_basis="safeguarding_sch1_para18",
        starts_on=dt.date(2024, 1, 1),
        review_on=dt.date(2030, 1, 1),
    )
    case_team_add_agency(actor=owner, case=case, agency=personas.youth_justice)
    case_team_add_user(actor=owner, case=case, user=personas.ended_partner)
    sharing_agreement_end(actor=None, agreement=agreement, reason="Withdrawn")


def expect(
    owner: int,
    supervisor: int,
    partner: int,
    outsider: int,
    referrer: int,
    auditor: int,
    admin: int,
    *,
    ended_partner: int | None = None,
    lone_chair: int | None = None,
    lone_referrer: int | None = None,
) -> dict[str, int]:
    """The seven columns in order; the ended partner answers as the outsider, and the lone
    chair and the lone referrer as the referrer, unless a row says otherwise (the table checks
    every column either way)."""
    codes = (owner, supervisor, partner, outsider, referrer, auditor, admin)
    ended = outsider if ended_partner is None else ended_partner
    chair = referrer if lone_chair is None else lone_chair
    lone = referrer if lone_referrer is None else lone_referrer
    return dict(zip(PERSONAS, (*codes, ended, chair, lone), strict=True))


EVERYONE = expect(200, 200, 200, 200, 200, 200, 200)
REFERRERS = expect(200, 200, 200, 200, 200, 403, 403)  # referrer, caseworker, supervisor roles
CASEWORKERS = expect(200, 200, 200, 200, 403, 403, 403)  # any caseworker or supervisor
# A record of the referrer's own (draft or sent): nobody else's, even with the right roles.
REFERRER_ONLY = expect(404, 404, 404, 404, 200, 403, 403, lone_chair=404, lone_referrer=404)
# The case led by the hub, police on its team: the hub edits, the police see, others 404.
CASE_READ = expect(200, 200, 200, 404, 403, 403, 403)
CASE_CONTRIBUTE = CASE_READ  # notes and one's own interventions: partners too
CASE_EDIT = expect(200, 200, 403, 404, 403, 403, 403)  # team, lead, status, assess, close
TRIAGE_TEAM = expect(200, 200, 404, 404, 403, 403, 403)  # routed to the hub only
# A person or an address page: for whoever sees a case or a triage referral there; the
# signed-in rule lets everyone ask, and those who see nothing there get 404.
ON_RECORD = expect(200, 200, 200, 404, 404, 404, 404)
ADMIN_ONLY = expect(403, 403, 403, 403, 403, 403, 200)
# A record that does not exist, behind a caseworkers' rule: 404 for them, 403 for the rest.
CASEWORKERS_MISSING = expect(404, 404, 404, 404, 403, 403, 403)
AUDITOR_ONLY = expect(403, 403, 403, 403, 403, 200, 403)
# A Prevent referral that does not exist, behind the referrers' and caseworkers' rule.
PREVENT_MISSING = expect(404, 404, 404, 404, 404, 403, 403, lone_chair=403)
# Data subjects' rights (issue 15): the data protection officer, a persona of its own in
# nestguard/rights/tests/test_access.py; nobody here holds the role.
DPO_ONLY = expect(403, 403, 403, 403, 403, 403, 403)
NO_SUCH = uuid.UUID(int=1)  # refused by the role before any record is looked up


@dataclass(frozen=True)
class Row:
    name: str
    expected: dict[str, int]
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda ids: {}
    method: str = "GET"
    query: str = ""
    label: str = ""
    # For POST: the body a persona sends (a valid one: what stops them is access, not input).
    body: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}{' ' + self.label if self.label else ''}"

    def path(self, ids: dict[str, Any]) -> str:
        return reverse(self.name, kwargs=self.kwargs(ids)) + self.query


def case(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["case"]}


def draft(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["draft"]}


REFERRAL = {
    "referrer_phone": "01632 960 123",
    "referrer_job_title": "Safeguarding lead",
    "subjects": [
        {"role": "victim", "given_name": "Morgan", "family_name": "Apitest",
         "date_of_birth": "1958-06-14"},
    ],
    "address": {"line1": "27 Example Road", "town": "Northbrook", "postcode": "NB1 3CD"},
    "concern_types": ["cuckooing"],
    "indicators": ["unfamiliar_visitors"],
    "signs_text": "Visitors at all hours.",
    "urgency": "medium",
    "lawful_basis": "safeguarding_sch1_para18",
    "consent": "not_sought",
    "consent_reason": "would_prejudice",
}  # fmt: skip


def _assessment() -> dict[str, Any]:
    tool = get_instrument("cuckooing_adult")
    assert tool is not None
    answers = {item.code: item.options[1].code for item in tool.items}
    return {"instrument": tool.code, "stage": "review", "answers": answers}


ASSESSMENT = _assessment()


TABLE: list[Row] = [
    # Anyone, signed in or not
    Row("core:health", EVERYONE),
    Row("core:ready", EVERYONE),
    Row("core:accessibility", EVERYONE),
    Row("core:home", EVERYONE),
    # Signing in: a fully signed-in user sees the forms again, or is sent on
    Row("accounts:sign_in", EVERYONE),
    Row("accounts:verify", EVERYONE),
    Row("accounts:enrol", expect(302, 302, 302, 302, 302, 302, 302), label="(has a device)"),
    Row("accounts:sign_out", EVERYONE, method="POST"),  # GET answers 405: see test_sign_in
    # Each user's own choice of email notifications (decision 0085)
    Row("notifications:preferences", EVERYONE),
    Row(
        "notifications:preferences",
        expect(302, 302, 302, 302, 302, 302, 302),
        method="POST",
        body=lambda ids, user: {"delivery": "immediate"},
    ),
    # The partnership's glossary: everyone reads it; its managers and administrators keep it
    Row("lexicon:glossary", EVERYONE),
    Row("lexicon:new", ADMIN_ONLY),
    Row("lexicon:change", ADMIN_ONLY, lambda ids: {"slug": "cuckooing"}),
    # The services directory: everyone reads it; directory editors, the partnership's
    # managers and administrators keep it (decision 0108). No persona here is an editor but
    # the administrator; the directory's own tests add one.
    Row("directory:list", EVERYONE),
    Row("directory:new", ADMIN_ONLY),
    Row("directory:change", ADMIN_ONLY, lambda ids: {"code": "mash"}),
    Row("directory:retire", ADMIN_ONLY, lambda ids: {"code": "mash"}),
    # Planned visits, warrants and operations (decision 0107): its own truth table is
    # nestguard/deconfliction/tests; here, the list and the plan form for the case address
    Row("deconfliction:list", CASEWORKERS),
    Row("deconfliction:plan", CASE_READ, lambda ids: {"address_pk": ids["address"]}),
    Row("deconfliction:detail", CASEWORKERS_MISSING, lambda ids: {"pk": uuid.UUID(int=7)}),
    Row(
        "deconfliction:respond",
        CASEWORKERS_MISSING,
        lambda ids: {"pk": uuid.UUID(int=7)},
        method="POST",
        body=lambda ids, user: {},
    ),
    Row(
        "deconfliction:cancel",
        CASEWORKERS_MISSING,
        lambda ids: {"pk": uuid.UUID(int=7)},
        method="POST",
        body=lambda ids, user: {},
    ),
    # Prevent and Channel (decision 0109): its own access tests are in
    # nestguard/channel/tests; here, the list, the lead setting, the referral form from the
    # case and from the pending referral, and a Prevent referral that does not exist
    Row("channel:list", REFERRERS | {"lone_chair": 403}),
    Row("channel:lead", ADMIN_ONLY),
    Row(
        "channel:new",
        expect(200, 200, 200, 404, 404, 403, 403, lone_chair=403),
        lambda ids: {"source": "case", "pk": ids["case"]},
        label="(from the case)",
    ),
    Row(
        "channel:new",
        expect(200, 200, 404, 404, 200, 403, 403, lone_chair=403, lone_referrer=404),
        lambda ids: {"source": "referral", "pk": ids["pending"]},
        label="(from the pending referral)",
    ),
    Row("channel:detail", PREVENT_MISSING, lambda ids: {"pk": uuid.UUID(int=9)}),
    Row(
        "channel:step",
        PREVENT_MISSING,
        lambda ids: {"pk": uuid.UUID(int=9), "step": "gateway"},
        method="POST",
        body=lambda ids, user: {},
    ),
    # Placements, education and transitions (decision 0110): the forms for the case's person
    # (whoever sees a case naming them); its own tests cover children and alerts. The case's
    # person is an adult with no transition alert: 404 to every caseworker.
    Row("childhood:placement_new", CASE_READ, lambda ids: {"person_pk": ids["person"]}),
    Row("childhood:education_new", CASE_READ, lambda ids: {"person_pk": ids["person"]}),
    Row("childhood:placement_end", CASEWORKERS_MISSING, lambda ids: {"pk": uuid.UUID(int=7)}),
    Row("childhood:education_end", CASEWORKERS_MISSING, lambda ids: {"pk": uuid.UUID(int=7)}),
    Row(
        "childhood:transition",
        CASEWORKERS_MISSING,
        lambda ids: {"case_pk": ids["case"], "person_pk": ids["person"]},
    ),
    # Administration and audit
    Row("accounts:partnership", ADMIN_ONLY),
    Row("accounts:agreement_new", ADMIN_ONLY),
    Row("accounts:agreement_end", ADMIN_ONLY, lambda ids: {"pk": ids["agreement"]}),
    Row(
        "accounts:agreement_end",
        ADMIN_ONLY | {"admin": 302},
        lambda ids: {"pk": ids["agreement"]},
        method="POST",
        body=lambda ids, user: {"reason": "The partnership is dissolved"},
    ),
    # The job queue's runs (a linkage reviewer, who sees the runs they started, is no persona)
    Row("jobs:list", ADMIN_ONLY),
    Row("jobs:detail", ADMIN_ONLY, lambda ids: {"pk": ids["job_run"]}),
    Row(
        "jobs:start",
        ADMIN_ONLY | {"admin": 302},
        method="POST",
        body=lambda ids, user: {"name": "places.repeat_addresses"},
    ),
    # Imports as jobs (decision 0088): the upload pages; a POST without a file shows errors
    Row("places:register_import", ADMIN_ONLY),
    Row("places:register_import", ADMIN_ONLY, method="POST", body=lambda ids, user: {}),
    Row("linkage:import_queue", ADMIN_ONLY),
    Row("linkage:import_queue", ADMIN_ONLY, method="POST", body=lambda ids, user: {}),
    # People and agencies: each action's GET is its confirmation; POSTs change (302)
    Row("accounts:user_detail", ADMIN_ONLY, lambda ids: {"pk": ids["owner"]}),
    Row(
        "accounts:user_action",
        ADMIN_ONLY,
        lambda ids: {"pk": ids["owner"], "action": "unlock"},
    ),
    Row(
        "accounts:user_action",
        ADMIN_ONLY | {"admin": 302},
        lambda ids: {"pk": ids["owner"], "action": "deactivate"},
        method="POST",
        body=lambda ids, user: {},
    ),
    Row(
        "accounts:user_role_add",
        ADMIN_ONLY | {"admin": 302},
        lambda ids: {"pk": ids["owner"]},
        method="POST",
        body=lambda ids, user: {"role": "analyst"},
    ),
    Row(
        "accounts:user_role_remove",
        ADMIN_ONLY,
        lambda ids: {"pk": ids["owner"], "role": "referrer"},
    ),
    Row("accounts:agency_detail", ADMIN_ONLY, lambda ids: {"pk": ids["police"]}),
    Row(
        "accounts:agency_action",
        ADMIN_ONLY,
        lambda ids: {"pk": ids["police"], "action": "deactivate"},
    ),
    Row(
        "accounts:agency_action",
        ADMIN_ONLY | {"admin": 302},
        lambda ids: {"pk": ids["police"], "action": "deactivate"},
        method="POST",
        body=lambda ids, user: {},
    ),
    Row("audit:search", AUDITOR_ONLY),
    Row("audit:checks", expect(403, 403, 403, 403, 403, 200, 200)),
    Row("rights:index", DPO_ONLY),
    Row("rights:person", DPO_ONLY, lambda ids: {"pk": ids["person"]}),
    Row(
        "rights:person",
        DPO_ONLY,
        lambda ids: {"pk": ids["person"]},
        method="POST",
        body=lambda ids, user: {
            "action": "restrict",
            "grounds": "accuracy_contested",
            "reason": "x",
        },
    ),
    Row("rights:request_new", DPO_ONLY, lambda ids: {"pk": ids["person"]}),
    Row("rights:access_report", AUDITOR_ONLY, lambda ids: {"pk": ids["person"]}),
    Row("rights:sar_detail", DPO_ONLY, lambda ids: {"pk": NO_SUCH}),
    Row(
        "rights:sar_detail",
        DPO_ONLY,
        lambda ids: {"pk": NO_SUCH},
        method="POST",
        body=lambda ids, user: {"action": "search"},
    ),
    Row("rights:pack_download", DPO_ONLY, lambda ids: {"pk": NO_SUCH, "kind": "pdf"}),
    Row("rights:request_detail", DPO_ONLY, lambda ids: {"pk": NO_SUCH}),
    Row("operations:restore_drills", ADMIN_ONLY),
    # Making a referral: the referrer's own drafts and status
    Row("referrals:mine", REFERRERS),
    Row("referrals:start", REFERRERS),
    Row("referrals:task_list", REFERRER_ONLY, draft),
    Row("referrals:your_details", REFERRER_ONLY, draft),
    Row("referrals:people", REFERRER_ONLY, draft),
    Row("referrals:person_add", REFERRER_ONLY, draft),
    Row(
        "referrals:person_change",
        REFERRER_ONLY,
        lambda ids: {"pk": ids["draft"], "subject_pk": ids["draft_subject"]},
    ),
    Row(
        "referrals:person_remove",
        REFERRER_ONLY,
        lambda ids: {"pk": ids["draft"], "subject_pk": ids["draft_subject"]},
    ),
    Row("referrals:address", REFERRER_ONLY, draft),
    Row("referrals:concerns", REFERRER_ONLY, draft),
    Row("referrals:signs", REFERRER_ONLY, draft),
    Row("referrals:urgency", REFERRER_ONLY, draft),
    Row("referrals:consent", REFERRER_ONLY, draft),
    Row("referrals:check", REFERRER_ONLY, draft),
    Row("referrals:confirmation", REFERRER_ONLY, lambda ids: {"pk": ids["pending"]}),
    Row("referrals:status", REFERRER_ONLY, lambda ids: {"pk": ids["pending"]}),
    # Triage: the hub's queue; a referral in full for the team it was routed to
    Row("referrals:triage_queue", CASEWORKERS),
    Row("referrals:detail", TRIAGE_TEAM, lambda ids: {"pk": ids["pending"]}, label="(pending)"),
    Row(
        "referrals:detail",
        CASE_READ,
        lambda ids: {"pk": ids["referral"]},
        label="(became the case)",
    ),
    Row("referrals:triage", TRIAGE_TEAM, lambda ids: {"pk": ids["pending"]}),
    # Cases
    Row("cases:list", CASEWORKERS),
    Row("cases:create", CASEWORKERS),
    Row("cases:detail", CASE_READ, case),
    Row("cases:note_add", CASE_CONTRIBUTE, case),
    Row("cases:team_add_user", CASE_EDIT, case),
    Row(
        "cases:team_remove_user",
        CASE_EDIT,
        lambda ids: {"pk": ids["case"], "user_pk": ids["owner"]},
    ),
    Row("cases:team_add_agency", CASE_EDIT, case),
    Row(
        "cases:team_remove_agency",
        CASE_EDIT,
        lambda ids: {"pk": ids["case"], "agency_pk": ids["police"]},
    ),
    Row("cases:subject_new", CASE_EDIT, case),
    Row("cases:subject_add", CASE_EDIT, case),
    Row("cases:lead_change", CASE_EDIT, case),
    Row("cases:status_change", CASE_EDIT, case),
    Row("cases:intervention_add", CASE_CONTRIBUTE, case),
    Row(
        "cases:intervention_update",
        CASE_EDIT,  # the partner does not own this one (the owner does)
        lambda ids: {"pk": ids["case"], "intervention_pk": ids["intervention"]},
    ),
    Row("cases:close", CASE_EDIT, case),
    Row("cases:reopen", CASE_EDIT, case),
    Row("risk:assess", CASE_EDIT, case),
    Row("risk:assessment", CASE_READ, lambda ids: {"pk": ids["assessment"]}),
    # People and places
    Row(
        "people:detail",
        ON_RECORD,
        lambda ids: {"pk": ids["person"]},
    ),
    # Equality monitoring details: caseworkers and supervisors who may see the person.
    Row("people:equality", CASE_READ, lambda ids: {"pk": ids["person"]}),
    Row("places:search", EVERYONE, query="?postcode=NB1+2AB"),
    Row("places:detail", ON_RECORD, lambda ids: {"pk": ids["address"]}),
    # The API, with a token per persona
    Row("api:schema", EVERYONE),
    Row("api:service_list", EVERYONE),
    Row(
        "api:sharing_agreement_end",
        ADMIN_ONLY,
        lambda ids: {"pk": ids["agreement"]},
        method="POST",
        body=lambda ids, user: {"reason": "The partnership is dissolved"},
    ),
    Row("api:referral_list", REFERRERS),
    Row(
        "api:referral_list",
        REFERRERS | {p: 201 for p in PERSONAS if REFERRERS[p] == 200},
        method="POST",
        body=lambda ids, user: REFERRAL,
    ),
    Row(
        "api:referral_detail",
        TRIAGE_TEAM | {"referrer": 200, "lone_chair": 404, "lone_referrer": 404},
        lambda ids: {"pk": ids["pending"]},
    ),
    Row(
        "api:referral_triage",
        expect(200, 200, 404, 404, 403, 403, 403),
        lambda ids: {"pk": ids["pending"]},
        method="POST",
        body=lambda ids, user: {"decision": "accept", "reason": "Clear signs of cuckooing"},
    ),
    Row(
        "api:person_detail",
        CASE_READ,  # the API's people endpoint is for caseworkers
        lambda ids: {"pk": ids["person"]},
    ),
    Row("api:address_list", EVERYONE, query="?postcode=NB1+2AB"),
    Row("api:case_list", CASEWORKERS),
    Row("api:case_detail", CASE_READ, case),
    Row(
        "api:case_assessments",
        CASE_EDIT | {"owner": 201, "supervisor": 201},
        case,
        method="POST",
        body=lambda ids, user: ASSESSMENT,
    ),
    Row(
        "api:case_interventions",
        CASE_CONTRIBUTE | {"owner": 201, "supervisor": 201, "partner": 201},
        case,
        method="POST",
        body=lambda ids, user: {  # partners record interventions they own themselves
            "type": "target_hardening",
            "owner": user.username,
            "starts_on": timezone.localdate().isoformat(),
        },
    ),
    Row(
        "api:case_close",
        CASE_EDIT,
        case,
        method="POST",
        body=lambda ids, user: {
            "outcomes": ["target_hardening_wraparound"],
            "resolution": "positively_resolved",
            "summary": "Locks changed; the visitors have stopped.",
            "cancel_open_interventions": True,
        },
    ),
]


def _tables_of_every_app() -> list[Row]:
    """This table, and those of the apps that keep theirs in `tests/test_access_<app>.py`
    (each a module-level TABLE of Rows, tested there against a world of its own)."""
    rows = list(TABLE)
    for module_path in sorted(Path(__file__).parent.glob("test_access_*.py")):
        if module_path.stem != Path(__file__).stem:
            module = importlib.import_module(f"tests.{module_path.stem}")
            rows.extend(getattr(module, "TABLE", []))
    return rows


def test_every_url_has_a_row() -> None:
    in_map = {e.name for e in endpoints()}
    in_table = {row.name for row in _tables_of_every_app()}
    missing, stale = sorted(in_map - in_table), sorted(in_table - in_map)
    assert not missing, f"pages and endpoints with no row in TABLE: {missing}"
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def test_every_persona_has_a_column() -> None:
    for row in TABLE:
        assert tuple(row.expected) == PERSONAS, row.id


def _respond(row: Row, world: Any, persona: str, path: str) -> Any:
    """The row's request at `path`, as the persona: a token for the API, a session for pages
    (the test client's response)."""
    user = world.personas.all()[persona]
    body = row.body(world.ids, user) if row.body else {}
    if row.name.startswith("api:"):
        _, token = api_token_create(actor=None, user=user, name="truth table")
        client = Client(headers={"Authorization": f"Bearer {token}"})
        if row.method == "GET":
            return client.get(path)
        send = getattr(client, row.method.lower())
        return send(path, body, content_type="application/json")
    client = sign_in(Client(), user)
    if row.method == "POST":
        return client.post(path, body)
    return client.get(path)


def _request(row: Row, world: World, persona: str) -> int:
    return _respond(row, world, persona, row.path(world.ids)).status_code


def _request_and_undo(row: Row, world: World, persona: str) -> int:
    """A POST that succeeds changes the world; roll it back so the next persona meets the
    same one. (A savepoint rollback, not a delete: the audit table's triggers allow it.)"""
    if row.method == "GET":
        return _request(row, world, persona)
    with transaction.atomic():
        status = _request(row, world, persona)
        transaction.set_rollback(True)
    return status


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, world: World) -> None:
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id} ({row.path(world.ids)}): " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )


# ---------------------------------------------------------------------------------------------
# Hidden answers exactly as missing (issue 10 point 10): wherever a persona gets 404 for a
# record of the world, the same request for a record that does not exist must answer the same
# status, content type and body, so that nothing tells "there, but not for you" from "not
# there". Each id in the URL is swapped in turn for one no record has.
# ---------------------------------------------------------------------------------------------


def _never_issued(value: Any) -> Any:
    """An id of the same type as `value` that no record has; None for a non-id (an action or
    a role name, which the URL spells out and is no record)."""
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, int):
        return 2**31 - 1  # past any id a test database hands out
    if isinstance(value, str) and value.isdigit():
        return "9" * len(value)  # a UPRN no register holds
    return None


def _query_ids(query: str) -> list[tuple[str, str]]:
    """The query's values that name a record: a UPRN (all digits, as long as a register's
    ids: shorter numbers here are measures, such as a radius in metres)."""
    pairs = parse_qsl(query.lstrip("?"))
    return [(key, value) for key, value in pairs if value.isdigit() and len(value) >= 9]


def _missing_paths(row: Row, ids: dict[str, Any]) -> list[str]:
    """The row's path with each of its ids in turn swapped for one no record has."""
    kwargs = row.kwargs(ids)
    paths = []
    for key, value in kwargs.items():
        swapped = _never_issued(value)
        if swapped is not None:
            paths.append(reverse(row.name, kwargs={**kwargs, key: swapped}) + row.query)
    for key, value in _query_ids(row.query):
        query = row.query.replace(f"{key}={value}", f"{key}={_never_issued(value)}")
        paths.append(reverse(row.name, kwargs=kwargs) + query)
    return paths


# Bodies are compared byte for byte but for one piece of per-request noise: the value of a
# CSRF token, masked afresh on every response. Today's 404s carry none (Django's plain "Not
# Found" page and the API's {"detail": "Not found."}); a 404 page built on base.html would,
# in its header's sign-out form. Only that value is blanked: anything else that differs,
# the path or id included, is something the hidden answer tells and the missing one does not.
_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _answer(row: Row, world: Any, persona: str, path: str) -> tuple[int, str, bytes]:
    with transaction.atomic():  # a POST to a record that is there must change nothing
        response = _respond(row, world, persona, path)
        transaction.set_rollback(True)
    body = _CSRF_VALUE.sub(rb"\1-\2", response.content)
    return response.status_code, response.get("Content-Type", ""), body


def hidden_rows(table: list[Row]) -> list[Row]:
    """The rows where some persona is answered 404 and the URL names a record to swap."""
    return [
        row
        for row in table
        if 404 in row.expected.values()
        and (any(_never_issued(v) for v in _sample_kwargs(row)) or _query_ids(row.query))
    ]


def _sample_kwargs(row: Row) -> list[Any]:
    """The row's URL values, read with stand-in ids (only their types matter here)."""

    class Ids(dict[str, Any]):
        def __missing__(self, key: str) -> Any:
            return uuid.UUID(int=0)

    return list(row.kwargs(Ids()).values())


def assert_hidden_answers_as_missing(row: Row, world: Any) -> None:
    """Each persona the row answers 404 gets the same answer for records that do not exist."""
    missing_paths = _missing_paths(row, world.ids)
    assert missing_paths, f"{row.id}: no id in the URL to swap"
    for persona in [p for p, status in row.expected.items() if status == 404]:
        hidden = _answer(row, world, persona, row.path(world.ids))
        assert hidden[0] == 404, f"{row.id}: {persona} got {hidden[0]}"
        for path in missing_paths:
            missing = _answer(row, world, persona, path)
            assert missing == hidden, (
                f"{row.id} as {persona}: hidden {row.path(world.ids)} answers {hidden!r}, "
                f"missing {path} answers {missing!r}"
            )


HIDDEN_ROWS = hidden_rows(TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("row", HIDDEN_ROWS, ids=[row.id for row in HIDDEN_ROWS])
def test_hidden_answers_as_missing(row: Row, world: World) -> None:
    assert_hidden_answers_as_missing(row, world)


# ---------------------------------------------------------------------------------------------
# Refused everywhere: a user of an inactive agency (session and token) and an expired token.
# Their answer does not depend on any record, so every URL of every app is asked, GET and
# POST, with the URL map's sample values: a page is what a signed-out visitor gets (sent to
# sign in), an API operation 401 with the same body as an unknown token.
# ---------------------------------------------------------------------------------------------

# Public pages answer the refused like anyone signed out.
REFUSED_PUBLIC = {
    ("GET", "core:health"): 200,
    ("GET", "core:ready"): 200,
    ("POST", "core:ready"): 200,
    ("GET", "core:accessibility"): 200,
    ("GET", "public:report"): 200,
    ("POST", "public:report"): 200,
    ("GET", "accounts:sign_in"): 200,
    ("GET", "accounts:verify"): 302,
    ("GET", "accounts:enrol"): 302,
    ("POST", "accounts:sign_in"): 200,
    ("POST", "accounts:verify"): 302,
    ("POST", "accounts:enrol"): 302,
    ("POST", "core:health"): 200,
    ("POST", "core:accessibility"): 200,
    ("GET", "accounts:sign_out"): 405,
    ("POST", "accounts:sign_out"): 200,
}
REFUSED_OPERATIONS = [(method, endpoint) for endpoint in endpoints() for method in ("GET", "POST")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "endpoint"),
    REFUSED_OPERATIONS,
    ids=[f"{method} {endpoint.name}" for method, endpoint in REFUSED_OPERATIONS],
)
def test_refused_personas(method: str, endpoint: Any, personas: Personas) -> None:
    path = endpoint.path()
    if endpoint.rule is not None and endpoint.rule.token:
        retired = api_token_create(actor=None, user=personas.retired)[1]
        expired, expired_plain = api_token_create(actor=None, user=personas.owner)
        ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())

        def ask(plain: str) -> tuple[int, bytes]:
            client = Client(headers={"Authorization": f"Bearer {plain}"})
            response = getattr(client, method.lower())(path, {}, content_type="application/json")
            return response.status_code, response.content

        unknown = ask("ng_no_such_token")
        assert unknown[0] == 401
        assert ask(retired) == unknown, f"inactive agency: {method} {path}"
        assert ask(expired_plain) == unknown, f"expired token: {method} {path}"
        return
    client = sign_in(Client(), personas.retired)
    response = getattr(client, method.lower())(path)
    expected = REFUSED_PUBLIC.get((method, endpoint.name), 302)
    assert response.status_code == expected, f"inactive agency: {method} {path}"
    if expected == 302 and (method, endpoint.name) not in REFUSED_PUBLIC:
        assert response["Location"].startswith(reverse("accounts:sign_in")), path
