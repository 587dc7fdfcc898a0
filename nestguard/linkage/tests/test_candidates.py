"""Is this person already known? A referrer learns only whether they may be and whom to ask
at the hub; the triage team and linkage reviewers also see candidates with the evidence, the
agencies that know them (those their agreements cover) and whom to contact, never what they
know; Nestguard people linked only for those who may see them; every lookup audited with
what was searched for (docs/decisions/0072)."""

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


def test_the_hub_triage_team_sees_who_knows_them(personas, index) -> None:  # type: ignore[no-untyped-def]
    lookup = candidates_for(personas.owner, JAYDEN)
    assert lookup.ready and lookup.known and str(lookup.answer) == "may_be_known"
    best = lookup.candidates[0]
    names = [k.agency.name for k in best.known_to]
    assert "Northbrook Police" in names
    police = next(k for k in best.known_to if k.agency.name == "Northbrook Police")
    assert any(c.name == "DC Amy Lord" for c in police.contacts)
    assert best.match_probability >= 0.5 and best.evidence
    assert any(level for _f, level in best.evidence_rows)
    # never what they know: no record fields travel with a candidate
    assert not hasattr(best, "records")


def test_a_referrer_learns_only_that_the_person_may_be_known_and_whom_to_ask(
    personas, index
) -> None:  # type: ignore[no-untyped-def]
    # The school shares an agreement with the hub and the police: a referrer is told no more.
    for user in (
        personas.referrer,
        UserFactory(username="far.referrer", agency=personas.outsider_agency, roles=["referrer"]),
    ):
        lookup = candidates_for(user, JAYDEN)
        assert lookup.known and str(lookup.answer) == "may_be_known"
        assert lookup.candidates == []
        assert [a.agency for a in lookup.ask] == ["Northbrook Exploitation Hub"]
        assert lookup.ask[0].email == personas.hub.contact_email


def test_agencies_without_agreements_are_not_named_even_to_the_triage_team(personas, index) -> None:  # type: ignore[no-untyped-def]
    for user in (personas.owner, personas.partner):
        shown = {k.agency.name for c in candidates_for(user, JAYDEN).candidates for k in c.known_to}
        assert "Northbrook Police" in shown
        assert "Elsewhere Housing Association" not in shown, user


def test_a_partner_sees_only_the_agencies_its_agreement_covers(personas, index) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from nestguard.accounts.services import sharing_agreement_create

    hub_sender = UserFactory(username="hub.sender", agency=personas.hub, roles=["caseworker"])
    source_record_create(actor=hub_sender, system="Hub", values={"record_id": "HUB-77", **JAYDEN})
    link_everything()
    # The housing association shares with the police only: not with the hub, nor the school.
    sharing_agreement_create(
        actor=None,
        name="Housing and police",
        parties=[personas.outsider_agency, personas.police],
        purposes="Tenancy safeguarding",
        lawful_basis="safeguarding_sch1_para18",
        starts_on=dt.date(2024, 1, 1),
        review_on=dt.date(2030, 1, 1),
    )
    shown = {
        k.agency.name
        for c in candidates_for(personas.outsider, JAYDEN).candidates
        for k in c.known_to
    }
    assert shown == {"Northbrook Police", "Elsewhere Housing Association"}
    owner_shown = {
        k.agency.name for c in candidates_for(personas.owner, JAYDEN).candidates for k in c.known_to
    }
    assert {"Northbrook Police", "Northbrook Exploitation Hub"} <= owner_shown
    assert "Elsewhere Housing Association" not in owner_shown


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
    referrer_view = candidates_for(personas.referrer, JAYDEN)
    assert referrer_view.known and referrer_view.candidates == []
    outsider_view = candidates_for(personas.outsider, JAYDEN).candidates
    assert not any(c.people for c in outsider_view)
    assert not any(
        k.agency.name == "Northbrook Exploitation Hub" for c in outsider_view for k in c.known_to
    ), "the hub leads his case, but shares no agreement with the housing association"


def test_the_api_tells_a_referrer_only_may_be_known_and_whom_to_ask(personas, index) -> None:  # type: ignore[no-untyped-def]
    _, token = api_token_create(actor=None, user=personas.referrer)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    response = client.get("/api/v1/people/matches/", JAYDEN)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "ready": True,
        "answer": "may_be_known",
        "ask": [
            {
                "agency": "Northbrook Exploitation Hub",
                "team": "Triage team",
                "name": personas.hub.contact_name,
                "email": personas.hub.contact_email,
                "phone": personas.hub.contact_phone,
            }
        ],
        "candidates": [],
    }
    text = response.content.decode()
    assert "Police" not in text and "police" not in text and "DC Amy Lord" not in text
    event = AuditEvent.objects.filter(action="linkage.candidates").latest("id")
    assert event.actor_id == personas.referrer.pk
    assert event.details["terms"] == JAYDEN and event.details["answer"] == "may_be_known"
    assert event.details["agencies_shown"] == [] and event.details["candidates"] == []
    assert client.get("/api/v1/people/matches/", {"given_name": "x" * 201}).status_code == 400
    assert Client().get("/api/v1/people/matches/", JAYDEN).status_code == 401


def test_the_api_answers_the_triage_team_with_evidence_and_contacts(personas, index) -> None:  # type: ignore[no-untyped-def]
    _, token = api_token_create(actor=None, user=personas.owner)
    response = Client(headers={"Authorization": f"Bearer {token}"}).get(
        "/api/v1/people/matches/", JAYDEN
    )
    body = response.json()
    assert body["answer"] == "may_be_known" and body["ask"]
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
    assert event.details["answer"] == "known_to_shown" and event.details["candidates"]


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
    assert "may already be known to the partnership" in page
    assert "Triage team, Northbrook Exploitation Hub" in page and personas.hub.contact_email in page
    assert "Northbrook Police" not in page and "DC Amy Lord" not in page
    assert "Possible match" not in page and "What agreed" not in page
    person_page = client.get(f"/referrals/{referral.pk}/people/add/").content.decode()
    assert "data-linkage-matches" in person_page and "referral-matches.js" in person_page


def test_a_lookup_costs_the_same_queries_however_many_records(
    personas, index, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    candidates_for(personas.owner, JAYDEN)  # build the index
    with django_assert_max_num_queries(12):
        candidates_for(personas.owner, JAYDEN)


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
