"""Panel actions: recorded by the chair against a meeting (and an item), updated by their
owner, their agency's supervisors or the chair, carried to the next meeting until done."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.accounts.models import Agency, User
from nestguard.audit.services import audit_record
from nestguard.core.models import next_reference
from nestguard.core.versioning import require_version, versioned_save
from nestguard.panels import rules
from nestguard.panels.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    Meeting,
    PanelMember,
    non_completion_reasons,
)
from nestguard.panels.services.common import (
    DESCRIPTION_MAX,
    date_value,
    require_chair,
    text_field,
)


def chosen_reasons() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in non_completion_reasons().codes if c.get("chosen")]


def _owner_agency_allowed(meeting: Meeting, agency: Agency) -> bool:
    if PanelMember.objects.filter(panel=meeting.panel, agency=agency).exists():
        return True
    return Attendance.objects.filter(meeting=meeting, agency=agency).exists()


def action_record(
    *,
    actor: Any,
    meeting: Meeting,
    description: str,
    owner_agency: Agency | None,
    due_on: date | str | None,
    owner: User | None = None,
    item: AgendaItem | None = None,
) -> Action:
    """An action with its owner agency (on the panel or at the meeting), its owner (a user of
    that agency, optional), a due date on or after the meeting, and the item it belongs to."""
    require_chair(actor, meeting.panel)
    errors: dict[str, str] = {}
    text = text_field(
        errors, "description", description, label="Action", max_length=DESCRIPTION_MAX,
        required=True, missing="Enter what must be done",
    )  # fmt: skip
    if not isinstance(owner_agency, Agency) or not owner_agency.active:
        errors["owner_agency"] = "Choose the agency that owns the action"
    elif not _owner_agency_allowed(meeting, owner_agency):
        errors["owner_agency"] = f"{owner_agency} is not on the panel or at the meeting"
    if owner is not None:
        if not isinstance(owner, User) or not owner.is_active:
            errors["owner"] = "Choose an active user as the owner"
        elif isinstance(owner_agency, Agency) and owner.agency_id != owner_agency.pk:
            errors["owner"] = f"{owner} does not work for {owner_agency}"
        elif not rules.may_use_panels(owner):
            errors["owner"] = (
                f"{owner} cannot see panel actions: choose a caseworker, supervisor or chair"
            )
    due = date_value(errors, "due_on", due_on, "due date")
    if due and due < meeting.meets_on:
        errors["due_on"] = (
            f"The due date must be on or after the meeting, {meeting.meets_on:%-d %B %Y}"
        )
    if item is not None and item.meeting_id != meeting.pk:
        errors["item"] = "The item is not on this meeting's agenda"
    if errors:
        raise ValidationError(errors)
    assert owner_agency is not None and due is not None
    with transaction.atomic():
        action = Action.objects.create(
            reference=next_reference("panel_action", "ACT"),
            panel=meeting.panel,
            meeting=meeting,
            item=item,
            description=text,
            owner_agency=owner_agency,
            owner=owner,
            due_on=due,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="action.record",
            obj=action,
            details={
                "meeting": meeting.reference,
                "owner_agency": owner_agency.name,
                "owner": owner.get_username() if owner else "",
                "due_on": due.isoformat(),
            },
        )
    return action


def action_update(
    *,
    actor: Any,
    action: Action,
    status: str,
    completed_on: date | str | None = None,
    reason: str = "",
    note: str | None = None,
    expected_version: int | None = None,
) -> Action:
    """Move an action on. Completed needs the date (not in the future, not before the
    meeting); not possible needs the reason "change of circumstance"; a reason may be given
    for an action still open (it goes with the action when it is carried over).
    `expected_version`: the action's version the editor started from (core.versioning)."""
    if not rules.may_update_action(actor, action):
        raise PermissionDenied(
            "Only the owner, their agency's supervisors or the chair can update it"
        )
    require_version(action, expected_version)
    errors: dict[str, str] = {}
    if status not in ActionStatus.values:
        errors["status"] = "Choose the action's status"
    completed = None
    if status == ActionStatus.COMPLETED:
        completed = date_value(errors, "completed_on", completed_on, "completion date")
        if completed and completed > timezone.localdate():
            errors["completed_on"] = "The completion date must be today or in the past"
        elif completed and completed < action.meeting.meets_on:
            errors["completed_on"] = (
                f"The completion date must be on or after the meeting, "
                f"{action.meeting.meets_on:%-d %B %Y}"
            )
    elif completed_on not in (None, ""):
        errors["completed_on"] = "Leave the completion date empty unless it is completed"
    allowed = {code for code, _ in chosen_reasons()}
    if reason not in ("", None) and reason not in allowed:
        errors["reason"] = "Choose a reason from the list"
    if status == ActionStatus.COMPLETED and reason:
        errors["reason"] = "A completed action needs no reason"
    if status == ActionStatus.NOT_POSSIBLE and reason != "change_of_circumstance":
        errors["reason"] = "An action that is not possible needs the reason: change of circumstance"
    new_note = action.note
    if note is not None:
        new_note = text_field(
            errors, "note", note, label="Note", max_length=DESCRIPTION_MAX, required=False
        )
    if not errors and (status, completed, reason or "", new_note) == (
        action.status,
        action.completed_on,
        action.reason,
        action.note,
    ):
        errors["status"] = "Nothing has changed"
    if errors:
        raise ValidationError(errors)
    previous = action.status
    with (
        transaction.atomic(),
        versioned_save(action, actor=actor, expected_version=expected_version),
    ):
        action.status = status
        action.completed_on = completed
        action.reason = reason or ""
        action.note = new_note
        action.save(update_fields=["status", "completed_on", "reason", "note", "updated_at"])
        audit_record(
            actor=actor,
            action="action.update",
            obj=action,
            details={
                "from": previous,
                "to": status,
                "reason": action.reason,
                "version": action.version,
            },
        )
    return action
