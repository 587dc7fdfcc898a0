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


ROLE_SETS = st.sets(st.sampled_from(["panel_chair", "caseworker", "supervisor", "auditor"]))


@SETTINGS
@given(
    roles=ROLE_SETS,
    member=st.booleans(),
    named_chair=st.booleans(),
    attendance=st.sampled_from(["none", "unsigned", "signed"]),
    contact=st.booleans(),
)
def test_the_minutes_rule_as_a_query_matches_it_in_words(
    personas, panel_world, roles, member, named_chair, attendance, contact
):
    """`readable_meetings` (one query) against the rule of decision 0050, written out."""
    from nestguard.accounts.models import User
    from nestguard.panels import rules
    from nestguard.panels.models import Attendance, PanelMember
    from tests.factories import UserFactory

    serial = next(_SERIAL)
    agency = personas.police if member else personas.outsider_agency
    user = UserFactory(username=f"p{serial}", agency=agency, roles=sorted(roles) or ["referrer"])
    if named_chair and "panel_chair" in roles:
        panel_world.panel.chairs.add(user)
    if attendance != "none":
        Attendance.objects.create(
            meeting=panel_world.meeting, user=user, agency=agency, status="attending",
            agreement_signed_at=timezone.now() if attendance == "signed" else None,
        )  # fmt: skip
    if member and contact:
        PanelMember.objects.filter(panel=panel_world.panel, agency=agency).update(contact=user)
    user = User.objects.get(pk=user.pk)

    usable = bool(roles & {"panel_chair", "caseworker", "supervisor"})
    if not usable:
        expected = False
    elif named_chair and "panel_chair" in roles:
        expected = True
    elif attendance != "none":
        expected = attendance == "signed"
    elif member:
        expected = contact or bool(roles & {"panel_chair", "supervisor"})
    else:
        expected = False
    assert rules.may_read_minutes(user, panel_world.meeting) is expected


_SERIAL = iter(range(10**9))


@SETTINGS
@given(cadence=st.integers(1, 90), ahead=st.integers(-30, 400))
def test_the_next_meeting_by_cadence_is_the_first_on_or_after_today(panel_world, cadence, ahead):
    from nestguard.panels.services.meetings import next_meeting_date

    panel = panel_world.panel
    panel.cadence_days = cadence
    last = panel_world.meeting.meets_on
    today = last + timedelta(days=ahead)
    following = next_meeting_date(panel, today=today)
    assert following >= today and following > last
    assert (following - last).days % cadence == 0
    assert following - timedelta(days=cadence) < max(today, last + timedelta(days=cadence))
