"""The door itself: purposes as data, the registry, and 404 for hidden and missing alike."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps
from django.http import Http404

from nestguard.access import door
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import Case
from nestguard.people.models import Person


def test_the_purposes_are_pinned():
    assert door.purposes().values == [
        "case_work",
        "triage",
        "own_referral",
        "panel",
        "door_check",
        "already_known",
        "linkage_review",
        "place_report",
        "enforcement",
        "prevention",
        "reporting",
        "partner_system",
        "intelligence",
        "network",
        "subject_access",
        "data_protection",
        "audit",
        "admin",
        "prevent",
    ]


def test_every_domain_app_registers_a_policy():
    registered = {m._meta.app_label for m in door.registered_models()}
    domain = {
        "audit", "places", "people", "referrals", "cases", "risk", "enforcement", "linkage",
        "panels", "pathways",
    }  # fmt: skip
    assert domain <= registered
    assert {c.label for c in apps.get_app_configs()} >= registered


def test_an_unknown_purpose_is_refused(personas):
    with pytest.raises(ValueError, match="not a purpose"):
        door.visible(personas.owner, Case, purpose="curiosity")
    with pytest.raises(ValueError, match="not a purpose"):
        door.load(personas.owner, Case, uuid.uuid4(), purpose="curiosity")


def test_a_model_without_a_policy_cannot_be_read_through_the_door(personas):
    from nestguard.accounts.models import ApiToken

    with pytest.raises(LookupError):
        door.visible(personas.owner, ApiToken)


def test_agendas_may_draw_only_on_the_models_whose_policy_opens_them_to_panels():
    from nestguard.cases.models import ChronologyEntry
    from nestguard.core.agenda import AgendaScope

    open_to_panels = {
        m._meta.label for m in door.registered_models() if door.policy_for(m).for_panel
    }
    assert open_to_panels == {
        "cases.Case", "people.Person", "risk.RiskAssessment", "pathways.MissingEpisode",
        "places.RepeatAddressAlert", "panels.Action",
        # Lines and the links between objects only (numbers, lines): decision 0099.
        "network.Line", "network.Link",
        # A child's placements, education and transition plans: decision 0110.
        "childhood.Placement", "childhood.EducationStatus", "childhood.TransitionPlan",
    }  # fmt: skip
    with pytest.raises(LookupError, match="not open to panel agendas"):
        door.for_panel(AgendaScope(case_ids=[], person_ids=[]), ChronologyEntry)


@pytest.mark.django_db
def test_hidden_missing_and_malformed_answer_404_and_audit_nothing(personas):
    from nestguard.people.tests.builders import make_case
    from tests.factories import PersonFactory

    person = PersonFactory()
    make_case(lead_agency=personas.hub, subjects=[(person, "victim")])
    before = AuditEvent.objects.count()
    for pk in (person.pk, uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(Http404):
            door.load(personas.outsider, Person, pk, purpose="case_work")
    assert AuditEvent.objects.count() == before
    loaded = door.load(personas.owner, Person, person.pk, purpose="case_work")
    event = AuditEvent.objects.latest("id")
    assert loaded == person
    assert (event.action, event.object_id, event.purpose) == (
        "person.view",
        str(person.pk),
        "case_work",
    )


@pytest.mark.django_db
def test_a_lookup_records_its_terms_even_when_nothing_matched(personas):
    answer = door.look_up(
        personas.referrer,
        "already_known",
        {"given_name": "Nobody", "family_name": "Atall", "date_of_birth": ""},
        purpose="already_known",
    )
    assert answer.found == 0
    event = AuditEvent.objects.latest("id")
    assert event.action == "linkage.candidates"
    assert event.details["terms"] == {"given_name": "Nobody", "family_name": "Atall"}
    assert event.details["found"] == 0
