"""The demo borough's panels: plausible, and made through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nestguard.demo.seed import seed_borough
from nestguard.panels.models import Action, ActionCarry, Attendance, Meeting, Panel

pytestmark = pytest.mark.django_db


NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


# Seeded "as of" NOW through services that check dates against the clock: the clock is at NOW.
@pytest.mark.time_machine(NOW)
def test_the_demo_has_a_mace_and_a_macemm_with_a_carried_overdue_action() -> None:
    now = NOW
    result = seed_borough(scale=0.15, seed=11, now=now)
    assert (result.counts["panels"], result.counts["panel_meetings"]) == (2, 3)
    panels = {p.meeting_type: p for p in Panel.objects.all()}
    assert set(panels) == {"mace", "macemm"}
    for panel in panels.values():
        assert [u.username for u in panel.chairs.all()] == ["panel.chair"]
        assert panel.members.count() == 6
    past, upcoming = Meeting.objects.filter(panel=panels["macemm"]).order_by("meets_on")
    assert past.status == "held" and upcoming.meets_on == now.date()
    assert past.meets_on == now.date() - timedelta(days=28)
    assert Attendance.objects.filter(meeting=past, agreement_signed_at__isnull=False).count() == 4
    actions = Action.objects.filter(meeting=past)
    assert sorted(a.status for a in actions) == ["completed", "open", "open"]
    overdue = actions.get(due_on__lt=now.date(), status="open")
    carry = ActionCarry.objects.get(action=overdue)
    assert (carry.meeting, carry.reason) == (upcoming, "overdue_no_update")
    assert ActionCarry.objects.filter(meeting=upcoming).count() == 2
    assert not ActionCarry.objects.filter(action__status="completed").exists()
