"""The demo borough's links from the records themselves (decision 0115): referral subjects
with phone numbers, one of them a line's deal number, and children found at cuckooed
addresses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from nestguard.accounts.models import User
from nestguard.demo.seed import seed_borough
from nestguard.network.models import Line, Link, Phone
from nestguard.pathways.models import MissingEpisode
from nestguard.referrals.models import ReferralSubject

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


@pytest.mark.time_machine(NOW)
def test_the_demo_has_subject_phones_on_a_deal_line_and_children_found_at_addresses() -> None:
    result = seed_borough(scale=0.1, seed=11, now=NOW)
    assert result.counts["referral_subject_phones"] > 0
    assert result.counts["missing_found_addresses"] > 0
    dolly = Line.objects.get(name="Dolly")
    deal = Phone.objects.get(line=dolly, number="+447700900102")
    subjects = ReferralSubject.objects.filter(phones__icontains=deal.number)
    assert subjects.exists()
    assert Link.objects.filter(source_kind="referral", b_id=deal.pk, role="phone").exists()
    hub = User.objects.get(username="hub.caseworker")
    page = sign_in(Client(), hub).get(reverse("network:line", args=[dolly.pk])).content.decode()
    referral = subjects.first().referral
    assert referral.reference in page
    found = MissingEpisode.objects.exclude(found_address=None)
    assert found.filter(person__family_name="Oakwell").exists()
    assert Link.objects.filter(source_kind="missing", role="found_at").count() == found.count()
