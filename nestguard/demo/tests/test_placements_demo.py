"""The demo borough shows placements, education and transitions (decision 0110): children
placed out of borough and in unregulated homes, excluded, on part-time timetables and NEET,
and a young person past 17 and a half on the hub caseworker's due view."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nestguard.accounts.models import User
from nestguard.childhood.models import EducationStatus, Placement
from nestguard.core.clocks import due_items
from nestguard.demo.seed import seed_borough

pytestmark = pytest.mark.django_db


def test_the_demo_has_children_placed_away_out_of_school_and_turning_eighteen() -> None:
    result = seed_borough(scale=0.15, seed=11, now=timezone.now())
    assert result.counts["placements"] >= 4 and result.counts["education_statuses"] >= 4
    assert result.counts["transitions"] == 2
    placements = list(Placement.objects.all())
    assert any(p.out_of_borough for p in placements)
    assert {"unregulated", "supported_accommodation"} <= {p.placement_type for p in placements}
    statuses = set(EducationStatus.objects.values_list("status", flat=True))
    assert {"excluded_fixed", "part_time", "neet"} <= statuses
    hub = User.objects.get(username="hub.caseworker")
    asc = User.objects.filter(agency__type="adult_social_care", role_grants__role="caseworker")
    told = [i for u in asc for i in due_items(u) if i.source == "transition"]
    assert len(told) == 1 and "Kacey Ormsworth" in told[0].title
    # Adult social care is named on Kacey's case: the alert is theirs, not the hub's (the
    # hub is told of the history's own young people with no adult service named).
    hub_items = [i.title for i in due_items(hub) if i.source == "transition"]
    assert not any("Kacey Ormsworth" in title for title in hub_items)
