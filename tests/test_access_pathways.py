"""The access truth table of the pathways: missing episodes, the NRM and Duty to Notify, onward
referrals, the services directory, the due view and the pathways API.

The world, made through the services: a hub case about a child and an adult with the police
(partner, under the agreement) on its team; the hub and the police are first responder
organisations, the outsider's housing association is not. The owner has recorded a missing
episode for the child (returned, return interview offered), an NRM referral for the child, an
onward referral and a Duty to Notify.

The NRM's decisions are recorded by the first responder that referred (the hub): the police
partner sees the referral through the case but records none of its decisions (403).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from nestguard.pathways.services.missing import (
    missing_episode_record,
    missing_episode_return,
    return_interview_record,
)
from nestguard.pathways.services.nrm import duty_to_notify_record, nrm_referral_record
from nestguard.pathways.services.onward import onward_referral_send
from nestguard.pathways.tests.conftest import hours_ago, make_world
from tests.test_access_truth_table import (
    CASE_EDIT,
    CASE_READ,
    CASEWORKERS,
    EVERYONE,
    PERSONAS,
    Row,
    World,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    expect,
    hidden_rows,
)

# Caseworkers and supervisors of a first responder organisation (not the outsider's).
FIRST_RESPONDERS = expect(200, 200, 200, 403, 403, 403, 403)
# Analysts and supervisors; the old missing report address leads to the reports (302).
REPORTERS = expect(403, 302, 403, 403, 403, 403, 403)
API_CASE_READ = CASE_READ


@pytest.fixture
def world(personas: Personas) -> World:
    pw = make_world(personas)
    owner = personas.owner
    episode = missing_episode_record(
        actor=owner, person=pw.child, case=pw.case, report_type="missing", risk_grade="high",
        category="missing_from_care", care_status="looked_after", started_at=hours_ago(30),
    )  # fmt: skip
    missing_episode_return(
        actor=owner, episode=episode, returned_at=hours_ago(20), found_by="police"
    )
    episode.refresh_from_db()
    return_interview_record(
        actor=owner, episode=episode, outcome="offered", offered_at=hours_ago(19)
    )
    referral = nrm_referral_record(
        actor=owner, person=pw.child, case=pw.case, consent="not_required",
        referred_on=timezone.localdate() - timedelta(days=1), exploitation_types=["county_lines"],
    )  # fmt: skip
    onward = onward_referral_send(
        actor=owner, case=pw.case, person=pw.child, service="child_exploitation_service",
        reason="Trusted relationship work",
    )  # fmt: skip
    duty_to_notify_record(
        actor=owner, notified_on=timezone.localdate(), age_band="25_34", gender="female",
        exploitation_types=["cuckooing"],
    )  # fmt: skip
    world = World(personas=personas, referral=None, pending=None, draft=None, case=pw.case)  # type: ignore[arg-type]
    world.ids = {
        "case": pw.case.pk,
        "child": pw.child.pk,
        "adult": pw.adult.pk,
        "episode": episode.pk,
        "nrm": referral.pk,
        "onward": onward.pk,
    }
    return world


def child(ids: dict[str, Any]) -> dict[str, Any]:
    return {"person_pk": ids["child"]}


def episode(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["episode"]}


def nrm(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["nrm"]}


def onward(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["onward"]}


def _missing_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    # The adult, who has no open episode: what stops a persona is access, not input.
    return {
        "person_id": str(ids["adult"]), "case_id": str(ids["case"]), "report_type": "missing",
        "risk_grade": "medium", "category": "missing_from_home", "care_status": "not_known",
        "started_at": (timezone.now() - timedelta(hours=3)).isoformat(),
    }  # fmt: skip


def _return_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    return {
        "returned_at": (timezone.now() - timedelta(hours=1)).isoformat(), "found_by": "police",
        "found_address_line1": "1 Testing Street", "found_address_postcode": "NB1 2AB",
    }  # fmt: skip


def _nrm_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    return {
        "person_id": str(ids["adult"]), "case_id": str(ids["case"]),
        "referred_on": timezone.localdate().isoformat(), "consent": "consented",
        "exploitation_types": ["cuckooing"],
    }  # fmt: skip


def _onward_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    return {
        "case_id": str(ids["case"]), "person_id": str(ids["adult"]),
        "service": "adult_safeguarding_enquiry", "reason": "Care and support needs",
    }  # fmt: skip


TABLE: list[Row] = [
    Row("pathways:due", EVERYONE),
    Row("pathways:due_team", EVERYONE),
    Row("pathways:missing_report", REPORTERS),
    Row("pathways:missing_new", CASE_READ, child),
    Row("pathways:missing_detail", CASE_READ, episode),
    Row("pathways:missing_return", CASE_READ, episode),
    Row("pathways:missing_interview", CASE_READ, episode),
    Row("pathways:nrm_new", FIRST_RESPONDERS, child),
    Row("pathways:nrm_detail", CASE_READ, nrm),
    Row("pathways:nrm_reasonable_grounds", CASE_EDIT, nrm),
    Row("pathways:nrm_conclusive_grounds", CASE_EDIT, nrm),
    Row("pathways:nrm_reconsideration", CASE_EDIT, nrm),
    Row("pathways:nrm_withdraw", CASE_EDIT, nrm),
    Row("pathways:dtn_list", CASEWORKERS),
    Row("pathways:dtn_new", FIRST_RESPONDERS),
    Row("pathways:onward_new", CASE_READ, lambda ids: {"case_pk": ids["case"]}),
    Row("pathways:onward_detail", CASE_READ, onward),
    Row("pathways:onward_update", CASE_READ, onward),
    # A page POST: the NRM referral form, by each persona (a valid adult referral)
    Row(
        "pathways:nrm_new",
        expect(302, 302, 302, 403, 403, 403, 403),
        lambda ids: {"person_pk": ids["adult"]},
        method="POST",
        label="(adult, consented)",
        body=lambda ids, user: {
            "referred_on_day": str(timezone.localdate().day),
            "referred_on_month": str(timezone.localdate().month),
            "referred_on_year": str(timezone.localdate().year),
            "consent": "consented",
            "exploitation_types": ["cuckooing"],
            "decision_body": "sca",
        },
    ),
    # The API
    Row("api:missing_episode_list", CASEWORKERS),
    Row(
        "api:missing_episode_list",
        CASE_READ
        | {"owner": 201, "supervisor": 201, "partner": 201, "outsider": 400, "ended_partner": 400},
        method="POST",
        body=_missing_body,
    ),
    Row("api:missing_episode_detail", API_CASE_READ, episode),
    # Recording the return (with where they were found): the world's episode has returned,
    # so those who may update it are told so (400); the unseen get 404 (decision 0115).
    Row(
        "api:missing_episode_return",
        CASE_READ | {"owner": 400, "supervisor": 400, "partner": 400},
        episode,
        method="POST",
        body=_return_body,
    ),
    Row("api:nrm_referral_list", CASEWORKERS),
    Row(
        "api:nrm_referral_list",
        expect(201, 201, 201, 403, 403, 403, 403),
        method="POST",
        body=_nrm_body,
    ),
    Row("api:nrm_referral_detail", API_CASE_READ, nrm),
    Row("api:onward_referral_list", CASEWORKERS),
    Row(
        "api:onward_referral_list",
        CASE_READ
        | {"owner": 201, "supervisor": 201, "partner": 201, "outsider": 400, "ended_partner": 400},
        method="POST",
        body=_onward_body,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, world: World) -> None:
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id} ({row.path(world.ids)}): " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )


HIDDEN_ROWS = hidden_rows(TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("row", HIDDEN_ROWS, ids=[row.id for row in HIDDEN_ROWS])
def test_hidden_answers_as_missing(row: Row, world: World) -> None:
    assert_hidden_answers_as_missing(row, world)
