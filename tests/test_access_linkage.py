"""The access truth table of the person index (nestguard.linkage), and its "also known to"
panel for each persona.

Personas: the ten of the main table, and two linkage reviewers: `reviewer` at the hub
(whose agency shares an agreement with the police and the school) and `far_reviewer` at the
housing association that shares with no one. The world, made through the services: records
from the hub, the police and the school; two of them scored as uncertain (a review pair);
two linked above the upper threshold (a merge); an address match of a police record; the
reviewer's own CSV import; a queued linkage run.

Reviewers see a record only when its agency is theirs or a partner's: `far_reviewer` gets
404 for all of them, exactly as for records that do not exist. Runs carry counts, never
names: reviewers and administrators see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import Personas
from nestguard.accounts.models import User
from nestguard.linkage.engine import ScoredPair
from nestguard.linkage.models import AddressMatch, ReviewPair
from nestguard.linkage.services.addresses import address_matches_refresh
from nestguard.linkage.services.imports import source_records_import
from nestguard.linkage.services.records import source_record_create
from nestguard.linkage.services.runs import apply_scores, linkage_run_start
from nestguard.linkage.thresholds import thresholds
from tests.factories import AddressFactory, UserFactory
from tests.test_access_truth_table import (
    Row,
    _referral,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    hidden_rows,
)

PERSONAS = (
    "owner", "supervisor", "partner", "outsider", "referrer", "auditor", "admin",
    "reviewer", "far_reviewer", "ended_partner", "lone_chair", "lone_referrer",
)  # fmt: skip


def expect(
    *codes: int,
    ended_partner: int | None = None,
    lone_chair: int | None = None,
    lone_referrer: int | None = None,
) -> dict[str, int]:
    """The nine columns in order; the ended partner answers as the outsider, and the lone chair
    and the lone referrer as the referrer, unless a row says otherwise (as in the main table)."""
    ended = codes[3] if ended_partner is None else ended_partner
    chair = codes[4] if lone_chair is None else lone_chair
    lone = codes[4] if lone_referrer is None else lone_referrer
    return dict(zip(PERSONAS, (*codes, ended, chair, lone), strict=True))


#                owner sup  partner outsider referrer auditor admin reviewer far
RUNS = expect(403, 403, 403, 403, 403, 403, 200, 200, 200)
REVIEWERS = expect(403, 403, 403, 403, 403, 403, 403, 200, 200)
# A record from the hub, police or school: the hub's reviewer; the far reviewer gets 404.
PARTNERS_RECORD = expect(403, 403, 403, 403, 403, 403, 403, 200, 404)
LOOKING_UP = expect(200, 200, 200, 200, 200, 403, 403, 200, 200)
SENDING = expect(201, 201, 201, 201, 403, 403, 403, 201, 201)


@dataclass
class LinkagePersonas:
    users: dict[str, User]

    def all(self) -> dict[str, User]:
        return self.users


@dataclass
class World:
    personas: LinkagePersonas
    ids: dict[str, Any] = field(default_factory=dict)


def _record(actor: User, record_id: str, **values: str) -> Any:
    made, _ = source_record_create(
        actor=actor, system="Case system", values={"record_id": record_id, **values}
    )
    return made


@pytest.fixture(autouse=True)
def runs_stay_queued(settings):  # type: ignore[no-untyped-def]
    """A run started here is recorded, not carried out (no background process in tests)."""
    settings.NESTGUARD_LINKAGE_RUNNER = "none"


@pytest.fixture
def world(personas: Personas) -> World:
    reviewer = UserFactory(username="reviewer", agency=personas.hub, roles=["linkage_reviewer"])
    far = UserFactory(
        username="far_reviewer", agency=personas.outsider_agency, roles=["linkage_reviewer"]
    )
    users = {**personas.all(), "reviewer": reviewer, "far_reviewer": far}
    jay = _record(personas.owner, "HUB-1", given_name="Jayden", family_name="Smith",
                  date_of_birth="2010-07-03", postcode="NB1 2AB")  # fmt: skip
    jay_police = _record(personas.partner, "POL-1", given_name="Jay", family_name="Smith",
                         date_of_birth="2010-03-07", address_line1="14 Canal Street",
                         town="Northbrook", postcode="NB1 2AB")  # fmt: skip
    chloe = _record(personas.owner, "HUB-2", given_name="Chloe", family_name="Barker",
                    date_of_birth="2009-11-20")  # fmt: skip
    chloe_school = _record(personas.referrer, "SCH-2", given_name="Chloe",
                           family_name="Barker", date_of_birth="2009-11-20")  # fmt: skip
    limits = thresholds()
    middle = (limits.person_lower + limits.person_upper) / 2
    apply_scores(
        None,
        [
            ScoredPair(str(jay.pk), str(jay_police.pk), middle, 3.0, {"given_name": "nickname"}),
            ScoredPair(str(chloe.pk), str(chloe_school.pk), 0.9999, 14.0, {"name": "exact"}),
        ],
        upper=limits.person_upper,
        lower=limits.person_lower,
    )
    AddressFactory(uprn="100012345678", line1="14 Canal Street", postcode="NB1 2AB")
    address_matches_refresh(actor=None)
    batch = source_records_import(
        actor=reviewer, system="MIS", data=b"record_id,given_name\nR1,Ann\n"
    ).batch
    run = linkage_run_start(actor=reviewer)
    pending = _referral(personas.referrer, family_name="Pendingsubject", submit=True)
    chloe.refresh_from_db()
    world = World(personas=LinkagePersonas(users))
    world.ids = {
        "pair": ReviewPair.objects.get().pk,
        "cluster": chloe.cluster_id,
        "merge": chloe.cluster.merges_in.get().pk,
        "address_match": AddressMatch.objects.get(source_record=jay_police).pk,
        "batch": batch.pk,
        "run": run.pk,
        "pending": pending.pk,
    }
    return world


def _ids(name: str):  # type: ignore[no-untyped-def]
    return lambda ids: {"pk": ids[name]}


def _csv(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    upload = SimpleUploadedFile("people.csv", b"record_id,given_name\nT1,Tess\n")
    return {"system": "Truth table", "file": upload, "encoding": "utf-8-sig"}


TABLE: list[Row] = [
    Row("linkage:index", RUNS),
    Row("linkage:run_start", RUNS),
    Row("linkage:run_detail", RUNS, _ids("run")),
    Row("linkage:run_status", RUNS, _ids("run")),
    Row("linkage:import_new", REVIEWERS),
    Row(
        "linkage:import_new",
        REVIEWERS | {"reviewer": 302, "far_reviewer": 302},
        method="POST",
        body=_csv,
    ),
    Row("linkage:import_detail", PARTNERS_RECORD, _ids("batch")),  # their own agency's only
    Row("linkage:review_queue", REVIEWERS),
    Row("linkage:review_pair", PARTNERS_RECORD, _ids("pair")),
    Row(
        "linkage:review_pair",
        PARTNERS_RECORD | {"reviewer": 302},
        _ids("pair"),
        method="POST",
        body=lambda ids, user: {"decision": "confirm", "reason": "Same DOB, day and month swapped"},
    ),
    Row("linkage:cluster", PARTNERS_RECORD, _ids("cluster")),
    Row("linkage:merge_undo", PARTNERS_RECORD, _ids("merge")),
    Row(
        "linkage:merge_undo",
        PARTNERS_RECORD | {"reviewer": 302},
        _ids("merge"),
        method="POST",
        body=lambda ids, user: {"reason": "Twins: different people"},
    ),
    Row("linkage:address_queue", REVIEWERS),
    Row("linkage:address_match", PARTNERS_RECORD, _ids("address_match")),
    Row("api:people_matches", LOOKING_UP, query="?given_name=Jay&family_name=Smith"),
    Row("linkage:matches", LOOKING_UP, query="?given_name=Jay&family_name=Smith"),
    # A referral routed to the hub: its triage team and its referrer; others 404.
    Row(
        "api:referral_matches",
        expect(200, 200, 404, 404, 200, 403, 403, 404, 404, lone_chair=404, lone_referrer=404),
        _ids("pending"),
    ),
    Row(
        "api:source_record_create",
        SENDING,
        method="POST",
        body=lambda ids, user: {
            "system": "Partner system",
            "record_id": f"X-{user.username}",
            "given_name": "Kai",
            "family_name": "Osei",
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


# "Already known?", persona by persona (docs/decisions/0072) -------------------------------

# Who gets the Nestguard person linked in the panel: those who may see the hub's case.
SEES_THE_PERSON = {"owner", "supervisor", "partner"}
# Caseworkers, supervisors and reviewers of the hub and the police (partners under the
# agreement): told that the police and the hub know him, with the police officer.
TOLD_WHO = {"owner", "supervisor", "partner", "reviewer"}
# The housing association shares no agreement: its caseworker and reviewer are told only of
# records their own agency holds (none here), like the referrer whose agency does share one,
# the youth justice caseworker whose agreement ended, and the chair and the referrer whose
# agencies have none.
TOLD_ONLY_MAY_BE_KNOWN = {
    "outsider", "referrer", "far_reviewer", "ended_partner", "lone_chair", "lone_referrer",
}  # fmt: skip


@pytest.mark.django_db
def test_already_known_for_each_persona(personas: Personas) -> None:
    import datetime as dt

    from django.test import Client

    from nestguard.accounts.services import api_token_create
    from nestguard.cases.models import Case
    from nestguard.cases.services.work import case_team_add_agency
    from nestguard.linkage.tests.people import link_everything, seed_records
    from nestguard.linkage.tests.test_candidates import referral_naming
    from nestguard.referrals import services as referrals

    reviewer = UserFactory(username="reviewer", agency=personas.hub, roles=["linkage_reviewer"])
    far = UserFactory(
        username="far_reviewer", agency=personas.outsider_agency, roles=["linkage_reviewer"]
    )
    users = {**personas.all(), "reviewer": reviewer, "far_reviewer": far}
    seed_records([personas.owner, personas.partner], people=12, singles=20)
    _record(personas.partner, "POL-9", given_name="Jayden", family_name="Smith-Okoro",
            date_of_birth="2010-07-03", postcode="NB1 2AB", contact_name="DC Amy Lord")  # fmt: skip
    accepted = referral_naming(personas.referrer, "Jayden", "Smith-Okoro", dt.date(2010, 7, 3))
    accepted = referrals.referral_triage(
        actor=personas.owner, referral=accepted, decision="accept", reason="Clear signs"
    )
    case = Case.objects.get(pk=accepted.case_id)
    case_team_add_agency(actor=personas.owner, case=case, agency=personas.police)
    link_everything()
    query = {"given_name": "Jayden", "family_name": "Smith-Okoro", "date_of_birth": "2010-07-03"}
    assert set(users) - {"auditor", "admin"} == TOLD_WHO | TOLD_ONLY_MAY_BE_KNOWN
    for name, user in users.items():
        _, token = api_token_create(actor=None, user=user, name="panel")
        response = Client(headers={"Authorization": f"Bearer {token}"}).get(
            "/api/v1/people/matches/", query
        )
        if name in ("auditor", "admin"):
            assert response.status_code == 403, name
            continue
        assert response.status_code == 200, name
        body = response.json()
        # everyone who may look people up learns that he may be known, and whom to ask
        assert body["answer"] == "may_be_known", name
        assert [a["agency"] for a in body["ask"]] == ["Northbrook Exploitation Hub"], name
        candidates = body["candidates"]
        agencies = {k["agency"] for c in candidates for k in c["known_to"]}
        if name in TOLD_ONLY_MAY_BE_KNOWN:
            # ... and nothing else: no agency, type, officer, evidence or person
            assert candidates == [], name
            text = response.content.decode()
            for secret in ("Police", "police", "DC Amy Lord", "evidence", "match_"):
                assert secret not in text, (name, secret)
            continue
        assert {"Northbrook Police", "Northbrook Exploitation Hub"} <= agencies, (name, agencies)
        contacts = {x["name"] for c in candidates for k in c["known_to"] for x in k["contacts"]}
        assert "DC Amy Lord" in contacts
        # never what they know: nothing of a record or a case travels in the panel
        for candidate in candidates:
            for known in candidate["known_to"]:
                assert set(known) == {"agency_id", "agency", "agency_type", "contacts"}
        linked = [p for c in candidates for p in c["people"]]
        if name in SEES_THE_PERSON:
            assert linked and linked[0]["url"].startswith("/people/"), name
        else:
            assert linked == [], name


@pytest.mark.django_db
def test_a_referrer_learns_the_same_words_whoever_knows_the_person(personas: Personas) -> None:
    """Known to the police alone, or to the hub and the police with a named officer: the
    referrer's answer is the same, byte for byte (no count, order or wording tells)."""
    from django.test import Client

    from nestguard.accounts.services import api_token_create
    from nestguard.linkage.tests.people import link_everything, seed_records

    seed_records([personas.owner, personas.partner], people=12, singles=20)
    _record(personas.partner, "POL-1", given_name="Kyle", family_name="Brennan",
            date_of_birth="2009-02-14", contact_name="DC Amy Lord")  # fmt: skip
    _record(personas.owner, "HUB-2", given_name="Tia", family_name="Lomax",
            date_of_birth="2011-09-30")  # fmt: skip
    _record(personas.partner, "POL-2", given_name="Tia", family_name="Lomax",
            date_of_birth="2011-09-30")  # fmt: skip
    link_everything()
    _, token = api_token_create(actor=None, user=personas.referrer, name="same")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    police_only = client.get(
        "/api/v1/people/matches/",
        {"given_name": "Kyle", "family_name": "Brennan", "date_of_birth": "2009-02-14"},
    )
    two_agencies = client.get(
        "/api/v1/people/matches/",
        {"given_name": "Tia", "family_name": "Lomax", "date_of_birth": "2011-09-30"},
    )
    assert police_only.json()["answer"] == "may_be_known"
    assert police_only.content == two_agencies.content
