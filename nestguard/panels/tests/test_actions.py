"""Actions: recorded with owner agency, owner, due date and status; carried to the next
meeting of their panel with the reason until done; escalated when carried too often."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.panels import selectors
from nestguard.panels.loader import panel_rules
from nestguard.panels.models import Action, ActionCarry, ActionStatus
from nestguard.panels.services.actions import action_record, action_update
from nestguard.panels.services.meetings import meeting_agenda_build, meeting_schedule
from nestguard.panels.services.panels import panel_create
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def record(world, personas, **overrides) -> Action:
    values = {
        "meeting": world.meeting,
        "description": "Offer a return home interview",
        "owner_agency": personas.hub,
        "owner": personas.owner,
        "due_on": TODAY() + timedelta(days=7),
    }
    values.update(overrides)
    return action_record(actor=world.chair, **values)


def next_meeting(world, days: int):
    return meeting_schedule(
        actor=world.chair, panel=world.panel, meets_on=TODAY() + timedelta(days=days)
    )


def test_an_action_is_recorded_and_audited(personas, panel_world) -> None:
    item = panel_world.meeting.items.get()
    action = record(panel_world, personas, item=item)
    assert action.reference.startswith("ACT-")
    assert (action.status, action.owner_agency, action.owner) == (
        ActionStatus.OPEN, personas.hub, personas.owner,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="action.record", object_id=str(action.pk)).exists()


def test_an_action_not_done_is_carried_once_then_completed(personas, panel_world) -> None:
    action = record(panel_world, personas)
    second = next_meeting(panel_world, 28)
    carry = ActionCarry.objects.get(action=action, meeting=second)
    assert carry.reason == "overdue_no_update"
    assert carry.reason_text.startswith("Overdue: no update from the owner (due ")
    meeting_agenda_build(actor=panel_world.chair, meeting=second)  # again: still once
    assert ActionCarry.objects.filter(action=action).count() == 1
    action_update(actor=personas.owner, action=action, status="completed", completed_on=TODAY())
    third = next_meeting(panel_world, 56)
    assert not ActionCarry.objects.filter(meeting=third).exists()
    assert ActionCarry.objects.filter(action=action).count() == 1


def test_the_carry_reason_follows_the_action(personas, panel_world) -> None:
    not_due = record(panel_world, personas, due_on=TODAY() + timedelta(days=60))
    started = record(panel_world, personas, description="Started")
    action_update(actor=personas.owner, action=started, status="in_progress", note="Booked")
    refused = record(panel_world, personas, description="Refused")
    action_update(
        actor=personas.owner, action=refused, status="open", reason="agency_did_not_undertake",
        note="No capacity this month",
    )  # fmt: skip
    second = next_meeting(panel_world, 28)
    reasons = {c.action_id: (c.reason, c.reason_text) for c in second.carried.all()}
    assert reasons[not_due.pk][0] == "not_yet_due"
    assert reasons[started.pk] == (
        "in_progress", f"In progress (due {started.due_on:%-d %B %Y}): Booked",
    )  # fmt: skip
    assert reasons[refused.pk][0] == "agency_did_not_undertake"
    assert reasons[refused.pk][1].endswith("No capacity this month")


def test_not_possible_is_closed_and_not_carried(personas, panel_world) -> None:
    action = record(panel_world, personas)
    with pytest.raises(ValidationError) as error:
        action_update(actor=personas.owner, action=action, status="not_possible")
    assert "change of circumstance" in error.value.message_dict["reason"][0]
    action_update(
        actor=personas.owner, action=action, status="not_possible",
        reason="change_of_circumstance", note="The family moved out of the area",
    )  # fmt: skip
    second = next_meeting(panel_world, 28)
    assert not second.carried.exists()


def test_actions_of_other_panels_and_later_meetings_are_not_carried(personas, panel_world):
    chair = panel_world.chair
    asb = panel_create(actor=chair, name="Northbrook ASB panel", meeting_type="asb")
    asb_meeting = meeting_schedule(actor=chair, panel=asb, meets_on=TODAY())
    action_record(
        actor=chair, meeting=asb_meeting, description="Another panel's", owner_agency=personas.hub,
        due_on=TODAY(),
    )  # fmt: skip
    second = next_meeting(panel_world, 28)
    later = action_record(
        actor=chair, meeting=second, description="Raised later", owner_agency=personas.hub,
        due_on=second.meets_on,
    )  # fmt: skip
    meeting_agenda_build(actor=chair, meeting=panel_world.meeting)
    assert not panel_world.meeting.carried.filter(action=later).exists()
    assert not second.carried.exists()


def test_an_action_carried_too_often_is_escalated(personas, panel_world) -> None:
    action = record(panel_world, personas)
    limit = panel_rules().escalate_after_carries
    meetings = [next_meeting(panel_world, 28 * n) for n in range(1, limit + 2)]
    rows = [selectors.meeting_detail(m).carried for m in meetings]
    assert [row[0].times_carried for row in rows][-1] == limit + 1
    assert [row[0].escalate for row in rows][-1] is True
    assert rows[0][0].escalate is False
    assert action.carries.count() == limit + 1


def test_who_may_update_an_action(personas, panel_world) -> None:
    action = record(panel_world, personas)
    hub_supervisor = personas.supervisor
    for user in (personas.partner, personas.outsider, personas.referrer, personas.auditor):
        with pytest.raises(PermissionDenied):
            action_update(actor=user, action=action, status="in_progress")
    action_update(actor=hub_supervisor, action=action, status="in_progress")
    action_update(actor=panel_world.chair, action=action, status="open")
    action_update(actor=personas.owner, action=action, status="completed", completed_on=TODAY())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"description": "bad\x00text"}, "description"),
        ({"description": 42}, "description"),
        ({"owner_agency": None}, "owner_agency"),
        ({"due_on": None}, "due_on"),
        ({"due_on": "2026-02-30"}, "due_on"),
        ({"due_on": "not a date"}, "due_on"),
        ({"due_on": date(1999, 1, 1)}, "due_on"),
        # Worked out at the test's (frozen) instant, not when the module is imported.
        (lambda: {"due_on": TODAY() + timedelta(days=4 * 365)}, "due_on"),
        (lambda: {"due_on": TODAY() - timedelta(days=1)}, "due_on"),
    ],
)
def test_bad_actions_are_refused_and_nothing_is_written(personas, panel_world, overrides, field):
    overrides = overrides() if callable(overrides) else overrides
    before = Action.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        record(panel_world, personas, **overrides)
    assert field in error.value.message_dict
    assert (Action.objects.count(), AuditEvent.objects.count()) == before


def test_the_owner_must_work_for_the_owner_agency_on_the_panel(personas, panel_world) -> None:
    with pytest.raises(ValidationError) as error:
        record(panel_world, personas, owner=personas.partner)  # police, not the hub
    assert "does not work for" in error.value.message_dict["owner"][0]
    stranger = AgencyFactory(name="Far Away Council")
    with pytest.raises(ValidationError) as error:
        record(panel_world, personas, owner_agency=stranger, owner=None)
    assert "not on the panel" in error.value.message_dict["owner_agency"][0]
    with pytest.raises(ValidationError) as error:
        record(panel_world, personas, owner=personas.auditor)  # the hub's, but no panel role
    assert "cannot see panel actions" in error.value.message_dict["owner"][0]
    gone = UserFactory(username="gone", agency=personas.hub)
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError):
        record(panel_world, personas, owner=gone)


def test_only_the_chair_records_actions(personas, panel_world) -> None:
    with pytest.raises(PermissionDenied):
        action_record(
            actor=personas.owner, meeting=panel_world.meeting, description="x",
            owner_agency=personas.hub, due_on=TODAY(),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"status": "completed"}, "completed_on"),
        # Tomorrow, worked out when the test runs: a date taken when the tests are collected
        # is today's date once the run has crossed midnight, and is then accepted.
        (
            {"status": "completed", "completed_on": lambda: TODAY() + timedelta(days=1)},
            "completed_on",
        ),
        ({"status": "completed", "completed_on": date(2001, 1, 1)}, "completed_on"),
        ({"status": "open", "completed_on": TODAY()}, "completed_on"),
        ({"status": "open", "reason": "bored"}, "reason"),
        ({"status": "open", "reason": "overdue_no_update"}, "reason"),  # set by the build only
        ({"status": "open"}, "status"),  # nothing has changed
        ({"status": "in_progress", "note": "x" * 2001}, "note"),
    ],
)
def test_bad_updates_are_refused(personas, panel_world, values, field) -> None:
    values = {name: v() if callable(v) else v for name, v in values.items()}
    action = record(panel_world, personas)
    with pytest.raises(ValidationError) as error:
        action_update(actor=personas.owner, action=action, **values)
    assert field in error.value.message_dict
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_the_daily_command_schedules_by_cadence_and_carries(personas, panel_world) -> None:
    import io

    from django.core.management import call_command

    from nestguard.panels.models import Meeting

    action = record(panel_world, personas)
    out = io.StringIO()
    call_command("schedule_panel_meetings", stdout=out)  # today's meeting is still to come
    assert "0 scheduled" in out.getvalue()
    from nestguard.panels.services.meetings import meeting_hold

    meeting_hold(actor=panel_world.chair, meeting=panel_world.meeting)
    call_command("schedule_panel_meetings", stdout=out)
    following = Meeting.objects.get(panel=panel_world.panel, status="scheduled")
    assert following.meets_on == panel_world.meeting.meets_on + timedelta(days=28)
    assert following.carried.get().action == action
    call_command("schedule_panel_meetings", "--refresh", stdout=out)
    assert Meeting.objects.filter(panel=panel_world.panel).count() == 2
    assert following.carried.count() == 1
