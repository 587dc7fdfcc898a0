"""Two triagers deciding on one referral: the second decision, made from the version both
started with, is refused with who decided what and when; it opens no case and writes no
audit event (docs/decisions/0084-optimistic-concurrency.md)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import Case
from nestguard.core.versioning import ConflictError
from nestguard.referrals import services
from nestguard.referrals.models import Referral, ReferralStatus
from nestguard.referrals.tests.helpers import submitted
from tests.conflicts import error_summary, form_version

pytestmark = pytest.mark.django_db

DECLINE = {
    "decision": "decline",
    "reason_code": "insufficient_information",
    "reason": "Please tell us more about the visitors",
}


def test_a_second_decision_from_the_same_version_is_refused_and_opens_nothing(personas):
    referral = submitted(personas.referrer)
    assert referral.version == 1
    services.referral_triage(
        actor=personas.supervisor,
        referral=Referral.objects.get(pk=referral.pk),
        decision="accept",
        expected_version=1,
    )
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ConflictError) as refused:
        services.referral_triage(
            actor=personas.owner,
            referral=Referral.objects.get(pk=referral.pk),
            expected_version=1,
            **DECLINE,
        )
    assert (Case.objects.count(), AuditEvent.objects.count()) == (cases, events)
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.decided_by, stored.version) == (
        ReferralStatus.ACCEPTED,
        personas.supervisor,
        2,
    )
    changes = {c.field: (c.old, c.new) for c in refused.value.changes}
    assert changes["status"] == ("Awaiting triage", "Accepted")
    assert changes["decision"] == ("not set", "Accept and open a case")
    assert changes["decided_by"] == ("not set", str(personas.supervisor))
    assert changes["case"][1] == stored.case.reference
    assert refused.value.headline.startswith(
        f"This referral was changed by {personas.supervisor} at "
    )


def test_the_triage_page_refuses_the_second_decision_in_its_error_summary(personas, client_for):
    referral = submitted(personas.referrer)
    url = f"/referrals/{referral.pk}/triage/"
    mine, theirs = client_for("owner"), client_for("supervisor")
    assert form_version(mine.get(url)) == form_version(theirs.get(url)) == "1"
    assert theirs.post(url, {"decision": "accept", "version": "1"}).status_code == 302

    refused = mine.post(url, {**DECLINE, "version": "1"})
    summary = error_summary(refused)
    assert f"This referral was changed by {personas.supervisor} at" in summary
    assert "Your changes have not been saved." in summary
    assert "Status was Awaiting triage; it is now Accepted." in summary
    assert "Please tell us more about the visitors" in refused.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED


def test_the_api_answers_409_to_a_decision_from_an_old_version(personas):
    referral = submitted(personas.referrer)
    _, token = api_token_create(actor=None, user=personas.owner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/referrals/{referral.pk}/"
    assert api.get(url).json()["version"] == 1
    services.referral_triage(actor=personas.supervisor, referral=referral, decision="accept")
    events = AuditEvent.objects.filter(action="referral.triage").count()
    response = api.post(
        f"{url}triage/", data=json.dumps({**DECLINE, "version": 1}), content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == 2 and body["changed_by"] == str(personas.supervisor)
    assert {
        "field": "status",
        "label": "Status",
        "old": "Awaiting triage",
        "new": "Accepted",
    } in body["changes"]
    assert AuditEvent.objects.filter(action="referral.triage").count() == events
