"""The yes/no answer to "harm during the episode" becomes coded kinds (issue 16 point 7):
yes is "Other harm" (the kind was written in the details), no is "No harm known", and no
answer stays not recorded; and back again."""

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

BEFORE = [("pathways", "0003_missing_report_index")]
AFTER = [("pathways", "0004_harm_kinds")]


@pytest.mark.usefixtures("triggers_back_after_flush", "triggers_off_for_flush")
def test_yes_no_answers_become_harm_kinds_and_back() -> None:
    person = PersonFactory()
    user = UserFactory(username="harm_migration", roles=["caseworker"])
    old = migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("pathways", "MissingEpisode")
    now = timezone.now()
    made = {}
    for n, answer in enumerate((True, False, None)):
        made[answer] = old.objects.create(
            reference=f"MISS-T{n}",
            person_id=person.pk,
            recorded_by_id=user.pk,
            recording_agency_id=user.agency_id,
            started_at=now - timedelta(hours=10),
            reported_at=now - timedelta(hours=9),
            returned_at=now - timedelta(hours=2),
            harm_during=answer,
            harm_details="Hurt" if answer else "",
        ).pk
    new = migrate(AFTER).loader.project_state(AFTER).apps.get_model("pathways", "MissingEpisode")
    harm = dict(new.objects.values_list("pk", "harm"))
    assert harm[made[True]] == ["other_harm"]
    assert harm[made[False]] == ["none"]
    assert harm[made[None]] == []
    back = migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("pathways", "MissingEpisode")
    answers = dict(back.objects.values_list("pk", "harm_during"))
    assert answers == {made[True]: True, made[False]: False, made[None]: None}
    migrate(AFTER)
