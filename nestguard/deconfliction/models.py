"""Deconfliction: a partner tells the others with work at an address of a planned visit,
warrant or operation there, before its window opens, and they answer (decision 0107)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel


def operation_kinds() -> CodeList:
    return code_list("deconfliction", "kinds")


def response_kinds() -> CodeList:
    return code_list("deconfliction", "responses")


class OperationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    CANCELLED = "cancelled", "Cancelled"


class PlannedOperation(BaseModel):
    reference = models.CharField(max_length=20, unique=True)
    address = models.ForeignKey("places.Address", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    starts_at = models.DateTimeField(help_text="When the window opens; answers close then")
    ends_at = models.DateTimeField()
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    partner_note = models.TextField(
        help_text="What the partners told may know: no more than they need to answer"
    )
    status = models.CharField(
        max_length=12, choices=OperationStatus.choices, default=OperationStatus.PLANNED
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["agency", "starts_at"], name="deconf_agency_starts_idx"),
            models.Index(fields=["address", "starts_at"], name="deconf_address_starts_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="deconf_window_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def kind_label(self) -> str:
        return operation_kinds().label(self.kind)


class Notice(BaseModel):
    """One agency told of one planned operation, and its answer (one per agency: answering
    again before the window opens replaces the answer; the audit trail keeps each)."""

    operation = models.ForeignKey(
        PlannedOperation, on_delete=models.CASCADE, related_name="notices"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    # Why this agency was told: it leads or works a case there, placed a marker there, or
    # is the address's landlord.
    reasons = models.JSONField(default=list)
    told_at = models.DateTimeField()
    response = models.CharField(max_length=30, blank=True)
    response_note = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["operation", "agency"], name="deconf_one_notice_each")
        ]
        indexes = [models.Index(fields=["agency", "told_at"], name="deconf_notice_agency_idx")]

    def __str__(self) -> str:
        return f"{self.operation} to {self.agency_id}"

    @property
    def response_label(self) -> str:
        return response_kinds().label(self.response) if self.response else ""
