"""Is this person already known, and to whom? Candidates with the evidence, the agencies
that know them and whom to contact, never what they know; Nestguard people linked only for
those who may see them; every lookup audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from conftest import Personas, sign_in
from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.linkage.models import SourceRecord
from nestguard.linkage.selectors import candidates_for
from nestguard.linkage.services.records import source_record_create
from nestguard.linkage.tests.people import link_everything, seed_records
from nestguard.referrals import services as referrals
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(personas: Personas):  # type: ignore[no-untyped-def]
    senders = [
        UserFactory(username=f"sender.{k}", agency=a, roles=["linkage_reviewer"])
        for k, a in (
            ("hub", personas.hub),
            ("police", personas.police),
            ("out", personas.outsider_agency),
        )
    ]
    groups = seed_records(senders)
    source_record_create(
        actor=senders[1],
        system="Niche RMS",
        values={
            "record_id": "POL-77",
            "given_name": "Jayden",
            "family_name": "Smith-Okoro",
            "date_of_birth": "2010-07-03",
            "postcode": "NB1 2AB",
            "contact_name": "DC Amy Lord",
            "contact_phone": "01632 960 777",
        },
    )
    source_record_create(
        actor=senders[2],
        system="Housing",
        values={
            "record_id": "H-1",
            "given_name": "Jay",
            "family_name": "Smith-Okoro",
            "date_of_birth": "2010-07-03",
            "postcode": "NB1 2AB",
        },
    )
    link_everything()
    return groups


def referral_naming(actor, given: str, family: str, born: dt.date):  # type: ignore[no-untyped-def]
    """A submitted referral naming one person (the truth table's, with this person)."""
    referral = referrals.referral_start(actor=actor)
    referrals.referral_details_update(
        actor=actor, referral=referral, phone="01632 960 001", job_title="Safeguarding lead"
    )
    referrals.referral_subject_add(
        actor=actor, referral=referral, role="victim", given_name=given, family_name=family,
        date_of_birth=born,
    )  # fmt: skip
    referrals.referral_address_update(
        actor=actor, referral=referral, line1="14 Canal Street", town="Northbrook",
        postcode="NB1 2AB",
    )  # fmt: skip
    referrals.referral_concerns_update(
        actor=actor, referral=referral, concern_types=["cuckooing"],
        indicators=["unfamiliar_visitors"], signs_text="Visitors at all hours.",
    )  # fmt: skip
    referrals.referral_urgency_update(actor=actor, referral=referral, urgency="medium")
    referrals.referral_consent_update(
        actor=actor, referral=referral, lawful_basis="safeguarding_sch1_para18",
        consent="not_sought", consent_reason="would_prejudice",
    )  # fmt: skip
    referral.refresh_from_db()
    return referrals.referral_submit(actor=actor, referral=referral)


JAYDEN = {
    "given_name": "Jayden",
    "family_name": "Smith-Okoro",
    "date_of_birth": "2010-07-03",
    "postcode": "NB1 2AB",
}


def test_a_known_person_is_found_with_who_knows_them(personas, index) -> None:  # type: ignore[no-untyped-def]
    lookup = candidates_for(personas.referrer, JAYDEN)
    assert lookup.ready
    best = lookup.candidates[0]
    names = [k.agency.name for k in best.known_to]
    assert "Northbrook Police" in names
    police = next(k for k in best.known_to if k.agency.name == "Northbrook Police")
    assert any(c.name == "DC Amy Lord" for c in police.contacts)
    assert best.match_probability >= 0.5 and best.evidence
    assert any(level for _f, level in best.evidence_rows)
    # never what they know: no record fields travel with a candidate
    assert not hasattr(best, "records")


def test_agencies_without_agreements_are_named_but_nothing_of_theirs_is_shown(
    personas, index
) -> None:  # type: ignore[no-untyped-def]
    best = candidates_for(personas.referrer, JAYDEN).candidates[0]
    names = {k.agency.name for k in best.known_to}
    assert "Elsewhere Housing Association" in names  # that they know is disclosed


def test_nothing_for_an_empty_query_or_a_stranger(personas, index) -> None:  # type: ignore[no-untyped-def]
    assert candidates_for(personas.referrer, {}).candidates == []
    stranger = {"given_name": "Zebedee", "family_name": "Quixote", "date_of_birth": "1950-01-01"}
    assert candidates_for(personas.referrer, stranger).candidates == []


def test_a_nestguard_person_is_linked_only_for_those_who_may_see_them(personas, index) -> None:  # type: ignore[no-untyped-def]
    referral = referrals.referral_start(actor=personas.referrer)
    referrals.referral_subject_add(
        actor=personas.referrer,
        referral=referral,
        role="victim",
        given_name="Jayden",
        family_name="Smith-Okoro",
        date_of_birth=dt.date(2010, 7, 3),
    )
    # A case led by the hub names him
    accepted = referral_naming(personas.referrer, "Jayden", "Smith-Okoro", dt.date(2010, 7, 3))
    referrals.referral_triage(
        actor=personas.owner, referral=accepted, decision="accept", reason="Clear signs"
    )
    link_everything()
    assert SourceRecord.objects.filter(person__isnull=False).exists()
    owner_view = candidates_for(personas.owner, JAYDEN).candidates
    assert any(c.people for c in owner_view)
    referrer_view = candidates_for(personas.referrer, JAYDEN).candidates
    assert not any(c.people for c in referrer_view)
    hub_named = [
        c
        for c in referrer_view
        if "Northbrook Exploitation Hub" in {k.agency.name for k in c.known_to}
    ]
    assert hub_named, "the hub leads his case: the referrer learns whom to call, not what it holds"


def test_the_api_answers_with_evidence_and_contacts_and_audits(personas, index) -> None:  # type: ignore[no-untyped-def]
    _, token = api_token_create(actor=None, user=personas.referrer)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    response = client.get("/api/v1/people/matches/", JAYDEN)
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    first = body["candidates"][0]
    assert {"field", "comparison"} <= set(first["evidence"][0])
    assert any(k["agency"] == "Northbrook Police" for k in first["known_to"])
    assert set(first) == {
        "index_entry",
        "match_probability",
        "match_weight",
        "evidence",
        "known_to",
        "people",
    }
    event = AuditEvent.objects.filter(action="linkage.candidates").latest("id")
    assert event.actor_id == personas.referrer.pk and event.details["candidates"]
    assert client.get("/api/v1/people/matches/", {"given_name": "x" * 201}).status_code == 400
    assert Client().get("/api/v1/people/matches/", JAYDEN).status_code == 401


def test_the_browser_session_answers_the_form_script(personas, index) -> None:  # type: ignore[no-untyped-def]
    client = sign_in(Client(), personas.referrer)
    page = client.get("/person-index/matches/", JAYDEN)
    assert page.status_code == 200
    _, token = api_token_create(actor=None, user=personas.referrer)
    api = Client(headers={"Authorization": f"Bearer {token}"}).get(
        "/api/v1/people/matches/", JAYDEN
    )
    assert page.json() == api.json()  # one answer, two doors
    assert client.get("/api/v1/people/matches/", JAYDEN).status_code == 401  # no session API
    assert client.get("/person-index/matches/", {"family_name": "x" * 201}).status_code == 400
    half = Client()
    half.force_login(personas.referrer)  # signed in, second factor not passed
    assert half.get("/person-index/matches/", JAYDEN).status_code == 302


def test_the_people_page_shows_candidates_without_javascript(personas, index) -> None:  # type: ignore[no-untyped-def]
    referral = referrals.referral_start(actor=personas.referrer)
    referrals.referral_subject_add(
        actor=personas.referrer,
        referral=referral,
        role="victim",
        given_name="Jayden",
        family_name="Smith-Okoro",
        date_of_birth=dt.date(2010, 7, 3),
    )
    client = sign_in(Client(), personas.referrer)
    page = client.get(f"/referrals/{referral.pk}/people/").content.decode()
    assert "already known" in page and "Northbrook Police" in page and "DC Amy Lord" in page
    person_page = client.get(f"/referrals/{referral.pk}/people/add/").content.decode()
    assert "data-linkage-matches" in person_page and "referral-matches.js" in person_page


def test_a_lookup_costs_the_same_queries_however_many_records(
    personas, index, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    candidates_for(personas.referrer, JAYDEN)  # build the index
    with django_assert_max_num_queries(12):
        candidates_for(personas.referrer, JAYDEN)


def test_a_referral_arriving_by_api_shows_who_knows_its_people(personas, index) -> None:  # type: ignore[no-untyped-def]
    _, token = api_token_create(actor=None, user=personas.owner)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    created = client.post(
        "/api/v1/referrals/",
        {
            "referrer_phone": "01632 960 123",
            "referrer_job_title": "Safeguarding lead",
            "subjects": [
                {"role": "victim", "given_name": "Jayden", "family_name": "Smith-Okoro",
                 "date_of_birth": "2010-07-03"},
            ],
            "address": {"line1": "14 Canal Street", "town": "Northbrook", "postcode": "NB1 2AB"},
            "concern_types": ["cuckooing"],
            "indicators": ["unfamiliar_visitors"],
            "signs_text": "Visitors at all hours.",
            "urgency": "medium",
            "lawful_basis": "safeguarding_sch1_para18",
            "consent": "not_sought",
            "consent_reason": "would_prejudice",
        },
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    answer = client.get(f"/api/v1/referrals/{pk}/matches/")
    assert answer.status_code == 200
    (subject,) = answer.json()
    assert subject["given_name"] == "Jayden"
    agencies = {k["agency"] for c in subject["candidates"] for k in c["known_to"]}
    assert "Northbrook Police" in agencies
    # the triage team sees the same on the referral's page
    page = sign_in(Client(), personas.owner).get(f"/referrals/{pk}/").content.decode()
    assert "Who else knows these people" in page and "DC Amy Lord" in page
