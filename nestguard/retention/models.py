"""The retention schedule as editable rows, legal holds, and reviewed disposal with its
certificates (issue 15; decisions 0101 and 0105).

The schedule's first version comes from `data/schedule.json` (each rule with its source);
a data protection officer edits it through `rule_update`, which keeps every version in
`RuleChange` (who, when, what, why) and audits it. Disposal runs in batches: the nightly
job lists what is past its period and not held; a reviewer approves (a second reviewer for
batches about children, when the setting asks) or extends with a reason; approval carries
the disposal out and writes a `DisposalCertificate`, which has no update path.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from nestguard.core.models import BaseModel


class RetentionRule(BaseModel):
    code = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    runs_from = models.CharField(max_length=40)
    period_months = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    # Whether disposal of this record type is carried out by Nestguard in this version;
    # the others are listed for the record of processing and reviewed by hand.
    automated = models.BooleanField(default=False)
    local_policy = models.BooleanField(default=True)
    source = models.TextField()
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def audit_label(self) -> str:
        return self.code


class RuleChange(models.Model):
    """One version of a rule: what changed ([old, new] per field), by whom, when and why."""

    id = models.BigAutoField(primary_key=True)
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="changes")
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changes = models.JSONField(default=dict)
    reason = models.TextField()

    class Meta:
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="retention_change_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"


class LegalHold(BaseModel):
    """Stops the disposal of one record and of what it links to (services/holds.py says
    which). `target_type` is `app_label.model`, `target_id` its primary key."""

    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=40)
    reference = models.CharField(max_length=100)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="retention_hold_target_idx")
        ]

    def __str__(self) -> str:
        return f"hold {self.reference} on {self.target_type}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    @property
    def audit_label(self) -> str:
        return self.reference[:200]


class BatchStatus(models.TextChoices):
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"
    AWAITING_SECOND = "awaiting_second", "Awaiting a second approver"
    EXTENDED = "extended", "Retained (extended)"
    DISPOSED = "disposed", "Disposed"


class DisposalBatch(BaseModel):
    reference = models.CharField(max_length=20, unique=True)
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="batches")
    rule_version = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    status = models.CharField(
        max_length=20, choices=BatchStatus.choices, default=BatchStatus.AWAITING_REVIEW
    )
    # For audit rules: events recorded before this instant are in the batch.
    cutoff = models.DateTimeField(null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    about_children = models.BooleanField(default=False)
    needs_second_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extended_until = models.DateField(null=True, blank=True)
    extend_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="retention_batch_status_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return self.reference


class DisposalItem(models.Model):
    """One record in a batch, named by type, key and reference only (never a name)."""

    id = models.BigAutoField(primary_key=True)
    batch = models.ForeignKey(DisposalBatch, on_delete=models.CASCADE, related_name="items")
    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    record_reference = models.CharField(max_length=40, blank=True)
    about_child = models.BooleanField(default=False)
    # Kept until this day when the batch was extended; listed again after it.
    retain_until = models.DateField(null=True, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="retention_item_rec_idx")]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_reference or self.record_id}"


class DisposalCertificate(BaseModel):
    """What was disposed of, how many, under which rule, approved by whom: written once when
    a batch is carried out; no service changes it."""

    reference = models.CharField(max_length=20, unique=True)
    batch = models.OneToOneField(
        DisposalBatch, on_delete=models.PROTECT, related_name="certificate"
    )
    rule_code = models.CharField(max_length=40)
    rule_version = models.PositiveIntegerField()
    rule_source = models.TextField()
    action = models.CharField(max_length=20)
    counts = models.JSONField(default=dict)
    approved_by_label = models.CharField(max_length=200)
    second_approved_by_label = models.CharField(max_length=200, blank=True)
    carried_out_at = models.DateTimeField()
    # None: carried out by the system itself (the backups' expiry, decision 0111).
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-carried_out_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return self.reference
