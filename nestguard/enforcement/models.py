"""The enforcement record of a property: each step taken (a warning, a notice, an order, an
extension ...) and the deadlines the rules gave it when it was recorded.

Deadlines are stored, not recomputed: the record shows the rule and its source as they stood
when the step was taken, and the deadlines view is one indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from nestguard.core.models import BaseModel


class Scope(models.TextChoices):
    WHOLE = "whole", "The whole of the premises"
    PART = "part", "Part of the premises"


class EnforcementAction(BaseModel):
    reference = models.CharField(max_length=20, unique=True)
    address = models.ForeignKey(
        "places.Address", on_delete=models.PROTECT, related_name="enforcement_actions"
    )
    step = models.CharField(max_length=40, db_index=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enforcement_actions",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enforcement_actions",
    )
    # The earlier step this one follows: the CPW a CPN rests on, the notice an order follows.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # When it was issued, served, made or applied for (the moment its clocks start).
    taken_at = models.DateTimeField(db_index=True)
    issuer = models.CharField(max_length=40)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    conduct = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, blank=True)
    part_description = models.TextField(blank=True)
    comply_by = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    rules_version = models.CharField(max_length=20)

    class Meta:
        ordering = ["taken_at", "created_at"]
        indexes = [models.Index(fields=["address", "taken_at"], name="enf_address_taken_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.step}"

    @property
    def audit_label(self) -> str:
        return f"{self.reference} ({self.step})"


class OnPassing(models.TextChoices):
    OVERDUE = "overdue", "Overdue once passed"
    LAPSES = "lapses", "Lapses once passed"


class EnforcementDeadline(BaseModel):
    action = models.ForeignKey(
        EnforcementAction, on_delete=models.CASCADE, related_name="deadlines"
    )
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    rule = models.TextField()
    source = models.JSONField(default=dict)
    note = models.CharField(max_length=300, blank=True)
    on_passing = models.CharField(max_length=10, choices=OnPassing.choices)
    # Met (or superseded) by a later step: the order that was heard, the extension that
    # replaced an expiry, the discharge that ended it.
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        EnforcementAction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["met_at", "due_at"], name="enf_deadline_open_idx")]
        constraints = [
            models.UniqueConstraint(fields=["action", "code"], name="unique_enf_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.action_id}:{self.code}"

    @property
    def source_citation(self) -> str:
        return " ".join(
            p for p in (self.source.get("act", ""), self.source.get("section", "")) if p
        )
