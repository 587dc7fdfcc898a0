"""The demo borough shows the ladder at its stages, with deadlines due and overdue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nestguard.accounts.models import User
from nestguard.demo.seed import seed_borough
from nestguard.enforcement.models import EnforcementAction, EnforcementDeadline
from nestguard.enforcement.selectors import deadlines_due


# Seeded at fixed moments, as the other demo tests are: the history the demo makes depends on
# the day it is seeded (at this small scale, some days leave fewer than the five open cuckooing
# cases the ladder needs, and the demo then has no enforcement at all). The second moment is
# the day after Boxing Day, when the hearings' 48 hours disregard Christmas Day.
@pytest.mark.django_db
@pytest.mark.parametrize(
    "now",
    [
        # The clock is at the same moment (decision 0086): the services check dates against it.
        pytest.param(moment, id=name, marks=pytest.mark.time_machine(moment))
        for name, moment in (
            ("november", datetime(2026, 11, 20, 15, 30, tzinfo=UTC)),
            ("after-christmas", datetime(2025, 12, 27, 12, 0, tzinfo=UTC)),
        )
    ],
)
def test_the_demo_has_addresses_under_enforcement(now: datetime) -> None:
    result = seed_borough(scale=0.2, now=now)
    assert result.counts["enforcement_actions"] == 8
    steps = set(EnforcementAction.objects.values_list("step", flat=True))
    assert {"cpw", "cpn", "closure_notice", "closure_order", "closure_order_extension"} <= steps
    appeal = EnforcementDeadline.objects.get(action__step="cpn", code="appeal_by")
    assert appeal.due_at > now  # the CPN's appeal window is open
    order = EnforcementAction.objects.get(step="closure_order")
    assert order.scope == "part"
    assert order.deadlines.get(code="expires").met_by.step == "closure_order_extension"
    rows = deadlines_due(User.objects.get(username="police.caseworker"), now)
    assert len(rows.overdue) == 1 and len(rows.due) >= 3
    assert not deadlines_due(User.objects.get(username="outsider.caseworker"), now).due
