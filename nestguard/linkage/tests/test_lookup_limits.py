"""Lookups are limited per user and hour, counted from the audit trail, and every lookup is
recorded with what was searched for, even when nothing matched (docs/decisions/0072)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.audit.services import audit_record
from nestguard.linkage.services.lookups import LOOKUP, REFUSED, terms_key
from nestguard.linkage.services.records import source_record_create
from nestguard.linkage.tests.people import link_everything, seed_records
from nestguard.linkage.tests.test_candidates import JAYDEN
from nestguard.referrals import services as referrals
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRANGER = {"given_name": "Zebedee", "family_name": "Quixote", "date_of_birth": "1950-01-01"}
MATCHES = "/api/v1/people/matches/"


@pytest.fixture
def known(personas: Personas) -> None:
    police = UserFactory(username="sender.police", agency=personas.police, roles=["caseworker"])
    seed_records([police], people=8, singles=10)
    source_record_create(actor=police, system="RMS", values={"record_id": "POL-1", **JAYDEN})
    link_everything()


def api_for(user: Any) -> Client:
    _, token = api_token_create(actor=None, user=user, name="lookups")
    return Client(headers={"Authorization": f"Bearer {token}"})


def lookups_of(user: Any, action: str = LOOKUP) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action=action).order_by("id"))


def test_a_lookup_records_the_terms_even_when_nothing_matched(personas, known) -> None:  # type: ignore[no-untyped-def]
    answer = api_for(personas.referrer).get(MATCHES, {**STRANGER, "postcode": " NB9 9ZZ "})
    assert answer.status_code == 200 and answer.json()["answer"] == "no_match"
    (event,) = lookups_of(personas.referrer)
    assert event.details["terms"] == {**STRANGER, "postcode": "NB9 9ZZ"}
    assert event.details["answer"] == "no_match" and event.details["counted"] is True
    assert event.details["searched_name"] == "zebedee quixote"
    assert event.object_label == "zebedee quixote"


def test_the_audit_search_finds_who_searched_for_a_name(personas, known) -> None:  # type: ignore[no-untyped-def]
    api_for(personas.referrer).get(MATCHES, STRANGER)
    api_for(personas.partner).get(MATCHES, JAYDEN)
    auditor = sign_in(Client(), personas.auditor)
    found = auditor.get("/audit/", {"searched_for": "  Quixote "})
    assert found.status_code == 200
    events = list(found.context["page"])
    assert [e.actor_id for e in events] == [personas.referrer.pk]
    assert "zebedee quixote" in found.content.decode()


def test_the_api_answers_429_with_retry_after_past_the_limit(personas, known, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_KNOWN_LOOKUPS_PER_HOUR = 2
    api = api_for(personas.referrer)
    assert api.get(MATCHES, JAYDEN).status_code == 200
    assert api.get(MATCHES, STRANGER).status_code == 200
    third = {"given_name": "Kai", "family_name": "Osei"}
    refused = api.get(MATCHES, third)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "most allowed" in refused.json()["detail"]
    # the refusal is recorded with what was asked; nothing was looked up
    (refusal,) = lookups_of(personas.referrer, REFUSED)
    assert refusal.details["terms"] == third and refusal.details["answer"] == "refused"
    assert len(lookups_of(personas.referrer)) == 2
    # asking again exactly what was asked within the hour tells nothing new: answered
    again = api.get(MATCHES, {**JAYDEN, "given_name": "JAYDEN"})
    assert again.status_code == 200 and again.json()["answer"] == "may_be_known"
    assert lookups_of(personas.referrer)[-1].details["counted"] is False
    # the limit is each user's own, in every process (it is counted in the database)
    assert api_for(personas.partner).get(MATCHES, third).status_code == 200


def test_lookups_older_than_an_hour_do_not_count(personas, known, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_KNOWN_LOOKUPS_PER_HOUR = 1
    earlier = timezone.now() - dt.timedelta(hours=1, minutes=1)
    audit_record(
        actor=personas.referrer,
        action=LOOKUP,
        object_type="lookup",
        occurred_at=earlier,
        details={"terms": STRANGER, "terms_key": terms_key(STRANGER), "counted": True},
    )
    api = api_for(personas.referrer)
    assert api.get(MATCHES, JAYDEN).status_code == 200
    assert api.get(MATCHES, STRANGER).status_code == 429  # no longer a repeat: an hour ago


def test_pages_say_when_to_try_again(personas, known, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_KNOWN_LOOKUPS_PER_HOUR = 1
    referral = referrals.referral_start(actor=personas.referrer)
    for given, family in (("Jayden", "Smith-Okoro"), ("Kai", "Osei")):
        referrals.referral_subject_add(
            actor=personas.referrer, referral=referral, role="victim", given_name=given,
            family_name=family, date_of_birth=dt.date(2010, 7, 3),
        )  # fmt: skip
    client = sign_in(Client(), personas.referrer)
    page = client.get(f"/referrals/{referral.pk}/people/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "may already be known to the partnership" in text  # the first person
    assert "govuk-warning-text" in text and "which is the most allowed" in text  # the second
    script = client.get("/person-index/matches/", STRANGER)
    assert script.status_code == 429 and int(script["Retry-After"]) >= 1
    assert "which is the most allowed" in script.json()["detail"]
    # a referral's people all at once by the API: all answered, or none (429)
    answer = api_for(personas.referrer).get(f"/api/v1/referrals/{referral.pk}/matches/")
    assert answer.status_code == 429


def test_the_limit_is_a_setting_read_loudly_from_the_environment(settings) -> None:  # type: ignore[no-untyped-def]
    def base_with(value: str | None) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:////tmp/ng-known-settings.sqlite3"}
        if value is not None:
            env["NESTGUARD_KNOWN_LOOKUPS_PER_HOUR"] = value
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import nestguard.settings.base as b; print(b.NESTGUARD_KNOWN_LOOKUPS_PER_HOUR)",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert base_with(None).stdout.strip() == "60"  # the default, pinned
    assert base_with("120").stdout.strip() == "120"
    for bad in ("lots", "0"):
        failed = base_with(bad)
        assert failed.returncode != 0 and "NESTGUARD_KNOWN_LOOKUPS_PER_HOUR" in failed.stderr
