"""The demo borough's services directory (decision 0108): the kinds of service the
partnership's documents name, under made-up names, kept by its directory editor; Prevent with
the council's lead; a referral to the aftercare programme whose follow-up falls due soon."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from nestguard.accounts.models import Role, User
from nestguard.core.clocks import due_items
from nestguard.demo.directory import AFTERCARE, SERVICES
from nestguard.demo.seed import seed_borough
from nestguard.directory.models import Service
from nestguard.directory.selectors import service_history
from nestguard.pathways.models import OnwardReferral

pytestmark = pytest.mark.django_db


def test_the_demo_directory_has_the_named_kinds_and_an_aftercare_clock() -> None:
    result = seed_borough(scale=0.15, seed=11, now=timezone.now())
    assert result.counts["directory_services"] == len(SERVICES) == 5
    editor = User.objects.get(username="links.directory")
    assert editor.role_codes == frozenset({Role.DIRECTORY_EDITOR})
    categories = set(Service.objects.filter(active=True).values_list("category", flat=True))
    assert {"child_exploitation", "mentoring", "employment", "missing", "victim_support"} <= (
        categories
    )
    launchpad = Service.objects.get(code=AFTERCARE)
    assert (launchpad.min_age, launchpad.max_age, launchpad.follow_up_months) == (18, 30, 3)
    assert len(launchpad.support_levels) == 3

    prevent = Service.objects.get(code="prevent_channel")
    assert prevent.provider_agency is not None
    assert prevent.provider_agency.name == "Northbrook Exploitation Hub"
    assert service_history(prevent)[0].changed_by == editor

    referral = OnwardReferral.objects.get(service=AFTERCARE)
    today = timezone.localdate()
    assert referral.status == "completed" and referral.follow_up_due_on is not None
    assert today < referral.follow_up_due_on <= today + timedelta(days=7)
    worker = referral.sent_by
    assert [i.title for i in due_items(worker) if i.source == "onward_follow_up"] == [
        f"Follow up onward referral {referral.reference}: {launchpad.follow_up_label}"
    ]
