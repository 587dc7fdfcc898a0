"""The episode's `rhi_clock_closed` is filled from the interviews already recorded (issue 13
point 1, decision 0121): closed where the interview's outcome closes the clock (completed,
declined, not conducted), open where it was only offered or there is none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from nestguard.audit.tests.test_migration import (  # noqa: F401  (fixtures)
    migrate,
    triggers_back_after_flush,
    triggers_off_for_flush,
)
from tests.factories import PersonFactory, UserFactory

BEFORE = [("pathways", "0006_onward_follow_up")]
AFTER = [("pathways", "0007_issue13_rhi_clock_closed")]


@pytest.mark.usefixtures("triggers_back_after_flush", "triggers_off_for_flush")
def test_recorded_interviews_close_their_episodes_clocks() -> None:
    user = UserFactory(username="rhi_migration", roles=["caseworker"])
    state = migrate(BEFORE).loader.project_state(BEFORE).apps
    episodes = state.get_model("pathways", "MissingEpisode")
    interviews = state.get_model("pathways", "ReturnInterview")
    now = timezone.now()
    made = {}
    for n, outcome in enumerate(("completed", "declined", "not_conducted", "offered", None)):
        episode = episodes.objects.create(
            reference=f"MISS-R{n}",
            person_id=PersonFactory().pk,
            recorded_by_id=user.pk,
            recording_agency_id=user.agency_id,
            started_at=now - timedelta(hours=100),
            reported_at=now - timedelta(hours=99),
            returned_at=now - timedelta(hours=90),
        )
        if outcome:
            interviews.objects.create(
                episode_id=episode.pk,
                outcome=outcome,
                offered_at=now - timedelta(hours=80),
                recorded_by_id=user.pk,
            )
        made[outcome] = episode.pk
    after = migrate(AFTER).loader.project_state(AFTER).apps.get_model("pathways", "MissingEpisode")
    closed = dict(after.objects.filter(pk__in=made.values()).values_list("pk", "rhi_clock_closed"))
    assert {outcome: closed[pk] for outcome, pk in made.items()} == {
        "completed": True,
        "declined": True,
        "not_conducted": True,
        "offered": False,
        None: False,
    }
