"""Properties of the agenda and the carry-over at their edges (hypothesis)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.panels.models import Action, AgendaItem, Meeting
from nestguard.panels.services.meetings import (
    _carry_reason,
    agenda_item_add,
    agenda_item_move,
)

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(moves=st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["up", "down"])), max_size=12))
def test_moves_keep_a_permutation_in_the_order_asked(panel_world, moves) -> None:
    meeting, chair = panel_world.meeting, panel_world.chair
    AgendaItem.objects.filter(meeting=meeting).delete()  # each example starts afresh
    for n in range(4):
        agenda_item_add(actor=chair, meeting=meeting, title=f"Item {n}")
    expected = list(
        AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("pk", flat=True)
    )
    for index, direction in moves:
        index = min(index, len(expected) - 1)
        target = index - 1 if direction == "up" else index + 1
        item = AgendaItem.objects.get(pk=expected[index])
        if 0 <= target < len(expected):
            agenda_item_move(actor=chair, item=item, direction=direction)
            expected[index], expected[target] = expected[target], expected[index]
        else:
            with pytest.raises(Exception, match="already"):
                agenda_item_move(actor=chair, item=item, direction=direction)
    rows = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    assert [r.pk for r in rows] == expected
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))


@given(
    due_offset=st.integers(-400, 400),
    status=st.sampled_from(["open", "in_progress"]),
    reason=st.sampled_from(["", "agency_did_not_undertake", "change_of_circumstance"]),
)
def test_the_carry_reason_is_decided_by_the_due_date_and_the_owner(due_offset, status, reason):
    meeting = Meeting(meets_on=timezone.localdate())
    action = Action(
        due_on=meeting.meets_on + timedelta(days=due_offset), status=status, reason=reason
    )
    code, text = _carry_reason(action, meeting)
    if reason:
        assert code == reason
    elif due_offset >= 0:
        assert code == "not_yet_due"
    elif status == "in_progress":
        assert code == "in_progress"
    else:
        assert code == "overdue_no_update"
    assert f"due {action.due_on:%-d %B %Y}" in text


@SETTINGS
@given(days=st.integers(-3, 3))
def test_the_due_date_may_be_the_meeting_day_but_not_before(personas, panel_world, days):
    from django.core.exceptions import ValidationError

    from nestguard.panels.services.actions import action_record

    due = panel_world.meeting.meets_on + timedelta(days=days)
    call = lambda: action_record(  # noqa: E731
        actor=panel_world.chair, meeting=panel_world.meeting, description="Check in",
        owner_agency=personas.hub, due_on=due,
    )  # fmt: skip
    if days >= 0:
        assert call().due_on == due
    else:
        with pytest.raises(ValidationError):
            call()


@SETTINGS
@given(text=st.text(min_size=1, max_size=300).filter(lambda t: t.strip()))
def test_any_printable_title_is_kept_as_typed_or_refused_cleanly(panel_world, text) -> None:
    from django.core.exceptions import ValidationError

    try:
        item = agenda_item_add(actor=panel_world.chair, meeting=panel_world.meeting, title=text)
    except ValidationError as exc:
        assert "title" in exc.message_dict
    else:
        item.refresh_from_db()
        assert item.title == text.strip()
