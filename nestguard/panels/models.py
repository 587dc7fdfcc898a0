"""Panels: who sits on them and how often they meet; meetings with their agenda, attendance,
minutes and actions; actions carried to the next meeting until they are done."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel
from nestguard.core.versioning import Versioned


def non_completion_reasons() -> CodeList:
    return code_list("panels", "non_completion_reasons")


class Panel(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    meeting_type = models.CharField(max_length=40)  # a code of panels/data/meeting_types.json
    cadence_days = models.PositiveSmallIntegerField()
    chairs = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="panels_chaired")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return self.name


class PanelMember(BaseModel):
    """An agency on the panel's list, with its point of contact."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["panel", "agency"], name="unique_panel_agency")
        ]

    def __str__(self) -> str:
        return f"{self.panel_id}:{self.agency_id}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"


class Meeting(BaseModel):
    reference = models.CharField(max_length=20, unique=True)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    meets_on = models.DateField(db_index=True)
    venue = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    # What the last build said about rules it could not use: [{"source": ..., "note": ...}].
    agenda_notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-meets_on"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "meets_on"], name="one_meeting_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.panel} on {self.meets_on:%-d %B %Y}"

    @property
    def audit_label(self) -> str:
        return f"{self.reference} {self.panel.name}"


class AttendanceStatus(models.TextChoices):
    ATTENDING = "attending", "Attending"
    APOLOGIES = "apologies", "Apologies"


class Attendance(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    agreement_signed_at = models.DateTimeField(null=True, blank=True)
    agreement_version = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="unique_attendee")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.user_id}"

    @property
    def signed(self) -> bool:
        return self.agreement_signed_at is not None


class AgendaItem(BaseModel):
    MANUAL = "manual"  # the source code of an item the chair added

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    source = models.CharField(max_length=60)
    key = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.ForeignKey(
        "places.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The minutes of this item.
    discussion = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    risk_before = models.CharField(max_length=10, blank=True)
    risk_after = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "key"],
                condition=~models.Q(key=""),
                name="one_item_per_matter",
            ),
        ]
        indexes = [models.Index(fields=["person"], name="agenda_item_person_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id}#{self.position}"

    @property
    def has_minutes(self) -> bool:
        return bool(self.discussion or self.decisions or self.risk_after)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    NOT_POSSIBLE = "not_possible", "Not possible"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(BaseModel, Versioned):
    version_noun = "action"
    version_fields = {
        "status": "Status",
        "completed_on": "Completion date",
        "reason": "Reason",
        "note": "Note",
    }
    version_private = frozenset({"note"})

    reference = models.CharField(max_length=20, unique=True)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel_actions",
    )
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN, db_index=True
    )
    completed_on = models.DateField(null=True, blank=True)
    # Why it is not done (a code of non_completion_reasons), and what was said.
    reason = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "reference"]

    def __str__(self) -> str:
        return self.reference

    @classmethod
    def version_display(cls, field: str, value: Any) -> str | None:
        if field == "reason" and value:
            return non_completion_reasons().label(value)
        return None

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, on: object = None) -> bool:
        today = on or timezone.localdate()
        return self.is_open and self.due_on < today  # type: ignore[operator]


class ActionCarry(BaseModel):
    """An action not done, brought to a later meeting of its panel, and why."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="carries")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="carried")
    reason = models.CharField(max_length=40)  # a code of non_completion_reasons
    reason_text = models.TextField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["action", "meeting"], name="carried_once_a_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.action_id}->{self.meeting_id}"
