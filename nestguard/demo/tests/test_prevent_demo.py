"""The demo borough's Prevent referrals: the council's Prevent team is the lead, and each
outcome of the Channel process shows, made through the services (decision 0109)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from nestguard.accounts.models import User
from nestguard.channel.models import PreventReferral, Stage
from nestguard.channel.selectors import current_lead
from nestguard.demo.seed import seed_borough

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


@pytest.mark.time_machine(NOW)
def test_the_demo_shows_each_outcome_of_a_prevent_referral() -> None:
    result = seed_borough(scale=0.15, seed=11, now=NOW)
    assert result.counts["prevent_referrals"] == PreventReferral.objects.count() == 7
    lead = current_lead()
    assert lead is not None and lead.team is not None
    officer = User.objects.get(username="prevent.lead")
    assert lead.team.members.filter(pk=officer.pk).exists()
    stages = set(PreventReferral.objects.values_list("stage", flat=True))
    assert stages == {Stage.SUPPORT, Stage.ADOPTED, Stage.CLOSED, Stage.RECEIVED}
    outcomes = set(PreventReferral.objects.values_list("panel_outcome", flat=True))
    assert outcomes == {"", "adopted", "not_adopted", "referred_elsewhere"}
    page = sign_in(Client(), officer).get(reverse("channel:list")).content.decode()
    assert page.count("PRV") >= 7
    # The police made none: they see none. The hub's other caseworkers see the hub's own
    # referrals (their agency made them), not children's social care's.
    police = sign_in(Client(), User.objects.get(username="police.caseworker"))
    assert "PRV" not in police.get(reverse("channel:list")).content.decode()
    hub = sign_in(Client(), User.objects.get(username="hub.caseworker3"))
    shown = hub.get(reverse("channel:list")).content.decode()
    for record in PreventReferral.objects.select_related("referrer_agency"):
        made_by_hub = record.referrer_agency.name == "Northbrook Exploitation Hub"
        assert (record.reference in shown) == made_by_hub
