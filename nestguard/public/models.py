"""Public reports: what a resident saw, where and when, sent without signing in
(docs/decisions/0100-public-reporting.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel


def public_signs() -> CodeList:
    return code_list("public", "signs")


def public_limits() -> CodeList:
    return code_list("public", "limits")


def public_decisions() -> CodeList:
    return code_list("public", "decisions")


class PublicReportStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting triage"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class PublicReport(BaseModel):
    """A report from a member of the public. It has no referrer and no agency: it lands in the
    hub's triage queue as a public report and is never accepted without a triager."""

    # Unguessable (decision 0100): the reporter's only handle, and it opens nothing.
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=20,
        choices=PublicReportStatus.choices,
        default=PublicReportStatus.AWAITING,
        db_index=True,
    )
    signs = models.JSONField(default=list, blank=True)
    signs_version = models.CharField(max_length=20, blank=True)
    details = models.TextField(blank=True)

    # Where: the address as typed (a postcode at least), and the address it resolved to.
    address_line1 = models.CharField(max_length=200, blank=True)
    address_town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    location_description = models.TextField(blank=True)
    address = models.ForeignKey(
        "places.Address",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_reports",
    )

    # When.
    seen_on = models.DateField()
    seen_when_text = models.CharField(max_length=500, blank=True)

    # The reporter's optional contact details: personal data, shown only to the triage team
    # of the hub (decision 0100).
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)

    submitted_at = models.DateTimeField(db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_reports_decided",
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at", "id"], name="public_report_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return f"Public report {self.reference}"

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_phone or self.contact_email)

    @property
    def where(self) -> str:
        parts = [self.address_line1, self.address_town, self.postcode]
        return ", ".join(p for p in parts if p)


class SubmissionCount(models.Model):
    """How many public reports one key sent in one window: the rate limit, shared by every
    web process because it lives in the database. The key is a keyed hash (HMAC-SHA256) of the
    IP address or postcode, never the value itself; rows are deleted two windows after their
    window starts (decision 0100)."""

    scope = models.CharField(max_length=20)
    key_hash = models.CharField(max_length=64)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key_hash", "window_start"], name="one_count_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
