"""A restriction of processing refuses writes (UK GDPR Art. 18; decision 0111): one guard
(`access.restricted_writes.refuse_if_restricted`) that every service changing a record about
a person calls, per service family; pages show the refusal in the error summary and the API
answers 400 with the reason; what Art. 18(2) allows still goes through."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from nestguard.access import restricted_writes
from nestguard.access.restricted_writes import ProcessingRestricted, refuse_if_restricted
from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.audit.verify import verify_chain
from nestguard.cases.models import ChronologyEntry
from nestguard.cases.services.closing import case_close
from nestguard.cases.services.work import case_note_add, case_status_change
from nestguard.cases.tests.conftest import make_case
from nestguard.enforcement.services import enforcement_action_record
from nestguard.linkage.models import Cluster
from nestguard.linkage.services.merges import cluster_merge
from nestguard.linkage.services.records import source_record_create
from nestguard.pathways.services.missing import missing_episode_record, missing_episode_return
from nestguard.people.services import person_equality_record
from nestguard.people.tests.builders import referral_submitted
from nestguard.referrals.services import referral_triage
from nestguard.rights.access_policy import RESTRICTED_WRITES
from nestguard.rights.models import ProcessingRestriction
from nestguard.rights.services import processing_restriction_lift, processing_restriction_place
from nestguard.rights.tests.conftest import RightsWorld
from nestguard.risk.loader import get_instrument
from nestguard.risk.services import assessment_record
from nestguard.risk.tests.test_scoring import answers_totalling
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db
REFUSED = "records is restricted (UK GDPR Article 18)"


def restrict(world: RightsWorld) -> ProcessingRestriction:
    return processing_restriction_place(
        actor=world.dpo, person=world.victim, grounds="accuracy_contested", reason="Disputed"
    )


def notes(world: RightsWorld) -> int:
    return ChronologyEntry.objects.filter(case=world.case).count()


def test_cases_refuse_a_note_until_the_restriction_is_lifted(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    restriction = restrict(world)
    before = notes(world)
    with pytest.raises(ProcessingRestricted, match=re.escape(REFUSED)):
        case_note_add(actor=personas.owner, case=world.case, text="Seen again at the flat")
    with pytest.raises(ProcessingRestricted):
        case_status_change(actor=personas.owner, case=world.case, status="active")
    with pytest.raises(ProcessingRestricted):
        case_close(
            actor=personas.owner, case=world.case, outcomes=["target_hardening_wraparound"],
            resolution="positively_resolved", summary="Done", cancel_open_interventions=True,
        )  # fmt: skip
    assert notes(world) == before
    processing_restriction_lift(actor=world.dpo, restriction=restriction, reason="Corrected")
    case_note_add(actor=personas.owner, case=world.case, text="Seen again at the flat")
    assert notes(world) == before + 1


def test_the_page_shows_the_refusal_in_the_error_summary_and_the_api_answers_400(
    world: RightsWorld,
    personas,  # type: ignore[no-untyped-def]
) -> None:
    restrict(world)
    before = notes(world)
    owner = sign_in(Client(), personas.owner)
    page = owner.post(
        f"/cases/{world.case.pk}/notes/add/",
        {"text": "Page note", "restriction": "open_to_case_team"},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "govuk-error-summary" in body and REFUSED in body, body[
        body.find("error-summary__list") :
    ][:800]
    _, token = api_token_create(actor=None, user=personas.owner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    answer = api.post(
        f"/api/v1/cases/{world.case.pk}/notes/",
        {"text": "API note"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert REFUSED in answer.content.decode()
    assert notes(world) == before


def test_an_outsider_learns_nothing_of_the_restriction(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    """Someone who may not see the case is refused as before (not found), never told that a
    subject's processing is restricted (which would say that they asked)."""
    restrict(world)
    outsider = sign_in(Client(), personas.outsider)
    page = outsider.post(
        f"/cases/{world.case.pk}/notes/add/", {"text": "x", "restriction": "open_to_case_team"}
    )
    assert page.status_code == 404
    assert "restricted" not in page.content.decode()


def test_what_article_18_2_allows_still_goes_through(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    restrict(world)
    before = notes(world)
    # The data protection officer's own writes, and storage: the rights workflow goes on.
    refuse_if_restricted(actor=world.dpo, record=world.case)
    # A write made on a named Art. 18(2) ground passes and is recorded.
    refuse_if_restricted(actor=personas.owner, record=world.case, ground="legal_claims")
    event = AuditEvent.objects.get(action="processing_restriction.write_allowed")
    assert event.object_id == str(world.victim.pk) and event.details == {"ground": "legal_claims"}
    with pytest.raises(ValidationError) as refused:
        refuse_if_restricted(actor=personas.owner, record=world.case, ground="convenience")
    assert not isinstance(refused.value, ProcessingRestricted)
    assert notes(world) == before
    assert verify_chain().intact


def test_referrals_refuse_a_triage_that_merges_into_a_restricted_case(
    world: RightsWorld,
    personas,  # type: ignore[no-untyped-def]
) -> None:
    referral = referral_submitted(
        referrer=personas.referrer,
        people=[{"role": "victim", "given_name": "Sam", "age_estimate": 30}],
    )
    restrict(world)
    with pytest.raises(ProcessingRestricted):
        referral_triage(actor=personas.owner, referral=referral, decision="merge", case=world.case)
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_pathways_refuse_the_return_of_a_missing_episode(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    episode = missing_episode_record(
        actor=personas.owner, person=world.victim, case=world.case, report_type="missing",
        risk_grade="low", category="missing_from_home", care_status="not_looked_after",
        started_at=timezone.now() - dt.timedelta(hours=5),
    )  # fmt: skip
    restrict(world)
    with pytest.raises(ProcessingRestricted):
        missing_episode_return(
            actor=personas.owner, episode=episode, returned_at=timezone.now(), found_by="police"
        )
    episode.refresh_from_db()
    assert episode.returned_at is None


def test_risk_refuses_an_assessment(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    restrict(world)
    tool = get_instrument("cce_child")
    assert tool is not None
    with pytest.raises(ProcessingRestricted):
        assessment_record(
            actor=personas.owner, case=world.case, instrument="cce_child", stage="initial",
            answers=answers_totalling(tool, 10),
        )  # fmt: skip


def test_enforcement_refuses_a_step_naming_the_person(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    restrict(world)
    address = AddressFactory()
    with pytest.raises(ProcessingRestricted):
        enforcement_action_record(
            actor=personas.partner, address=address, step="cpw", issuer="police_constable",
            taken_at=timezone.now() - dt.timedelta(hours=1), person=world.victim,
        )  # fmt: skip


def test_people_and_the_person_index_refuse_changes(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    other, _ = source_record_create(
        actor=personas.partner,
        system="police_niche",
        values={"record_id": "PN-9001", "given_name": "Robyn", "family_name": "Subjectson"},
    )
    restrict(world)
    # The person is hidden from case work (the door's restraint), so the read gate refuses
    # first; the guard stands behind it.
    with pytest.raises(PermissionDenied):
        person_equality_record(actor=personas.owner, person=world.victim, sex="female")
    own = Cluster.objects.get(records__person=world.victim)
    with pytest.raises(ProcessingRestricted):
        cluster_merge(actor=None, into=own, from_cluster=other.cluster, reason="review")
    assert not Cluster.objects.get(pk=own.pk).records.filter(pk=other.pk).exists()


def test_every_registered_record_type_reaches_people_and_an_unregistered_one_fails_loudly(
    personas: Any,
) -> None:
    guarded = restricted_writes.guarded_models()
    for model, paths in RESTRICTED_WRITES:
        assert guarded[model] == paths
    with pytest.raises(ImproperlyConfigured):
        refuse_if_restricted(actor=personas.owner, record=personas.owner)
    case = make_case(personas.owner)
    assert restricted_writes.people_of(case) == set()
