"""What a caseworker records about an entry; bad input changes nothing; a referral is made
only by a caseworker, through the referral form, with the address filled in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.prevention import selectors
from nestguard.prevention.models import PreventionAction, PreventionEntry
from nestguard.referrals.models import Referral, ReferralStatus
from tests.frozen_clock import DEFAULT_INSTANT

from .conftest import MONDAY, Housing, client_as, qualifying_lines

# The dates in these tests are days around the week of Monday 30 November 2026: they run at
# the default instant under every --clock-at (the UK-date edges are tests of their own, each
# at its instant).
pytestmark = pytest.mark.time_machine(DEFAULT_INSTANT)


@pytest.fixture
def entry(housing: Housing) -> PreventionEntry:
    housing.send(qualifying_lines(housing.homes[0].uprn))
    return housing.listed()


def test_recording_a_visit(housing: Housing, entry: PreventionEntry) -> None:
    client = client_as(housing.caseworker)
    url = reverse("prevention:detail", args=[entry.pk])
    response = client.post(url, {"kind": "visited", "note": "Tenant at home, fobs explained"})
    assert response.status_code == 302
    action = PreventionAction.objects.get()
    assert (action.kind, action.recorded_by, action.referral) == (
        "visited",
        housing.caseworker,
        None,
    )
    entry.refresh_from_db()
    assert entry.closed_at is None
    assert AuditEvent.objects.filter(action="prevention_action.record").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "x"}, "Choose what you did"),
        ({"kind": "visited", "note": "  "}, "Enter a note"),
        ({"kind": "referred", "note": "did it"}, "Select a valid choice"),
        ({"kind": "arrested", "note": "did it"}, "Select a valid choice"),
        ({"kind": "visited", "note": "a\x07b"}, "control characters"),
        ({"kind": "visited", "note": "x" * 2001}, "2000 characters or fewer"),
    ],
)
def test_bad_input_shows_the_error_summary_and_changes_nothing(
    housing: Housing, entry: PreventionEntry, data: dict[str, str], message: str
) -> None:
    response = client_as(housing.caseworker).post(
        reverse("prevention:detail", args=[entry.pk]), data
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text and message in response.text
    assert not PreventionAction.objects.exists()
    assert not AuditEvent.objects.filter(action="prevention_action.record").exists()


def test_no_concern_closes_the_entry_and_nothing_more_is_recorded(
    housing: Housing, entry: PreventionEntry
) -> None:
    client = client_as(housing.supervisor)
    url = reverse("prevention:detail", args=[entry.pk])
    client.post(url, {"kind": "no_concern", "note": "New fobs were for a carer"})
    entry.refresh_from_db()
    assert entry.closed_at is not None
    response = client.post(url, {"kind": "visited", "note": "again"})
    assert "This entry is closed" in response.text
    assert PreventionAction.objects.count() == 1


def test_a_referral_is_started_with_the_address_and_counted_once_sent(
    housing: Housing, entry: PreventionEntry
) -> None:
    assert not Referral.objects.exists()  # the list itself never refers
    client = client_as(housing.caseworker)
    response = client.post(reverse("prevention:refer", args=[entry.pk]))
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:task_list", args=[referral.pk])
    assert (referral.status, referral.referrer) == (ReferralStatus.DRAFT, housing.caseworker)
    assert (referral.address_line1, referral.address_postcode) == ("1 Mill Lane", "NB2 4CD")
    action = PreventionAction.objects.get()
    assert (action.kind, action.referral) == ("referred", referral)
    entry.refresh_from_db()
    assert entry.closed_at is not None

    summary = selectors.summary(housing.caseworker, MONDAY)
    assert (summary.entries, summary.acted_on, summary.referrals_started) == (1, 1, 1)
    assert summary.referrals_sent == 0
    # As `referral_submit` leaves it: sent, with its triage clock started (a waiting referral
    # always has both: constraint referral_submitted_has_clock).
    sent_at = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.SUBMITTED,
        submitted_at=sent_at,
        triage_due_at=sent_at + timedelta(days=1),
    )
    assert selectors.summary(housing.caseworker, MONDAY).referrals_sent == 1
    page = client.get(reverse("prevention:list"))
    assert "Led to a referral (sent)" in page.text
