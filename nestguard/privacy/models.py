"""The breach log (UK GDPR Article 33(5)): every personal data breach, its risk, whom it was
reported to and when. The record of processing activities and the DPIA are generated from the
system itself (`ropa.py`) and stored nowhere."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel

# Article 33(1): "without undue delay and, where feasible, not later than 72 hours after
# having become aware of it".
ICO_HOURS = 72


def breach_risks() -> CodeList:
    return code_list("privacy", "breach_risks")


def breach_audiences() -> CodeList:
    return code_list("privacy", "breach_audiences")


class Breach(BaseModel):
    """One personal data breach, owned by the agency (the controller) that recorded it."""

    reference = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=200)
    what_happened = models.TextField()
    data_involved = models.TextField(help_text="The kinds of personal data involved")
    people_affected = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many people, as far as known"
    )
    occurred_at = models.DateTimeField(null=True, blank=True)
    aware_at = models.DateTimeField(help_text="When the agency became aware: the ICO clock")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The assessment: blank until someone assesses it.
    risk = models.CharField(max_length=20, blank=True)
    risk_reasons = models.TextField(blank=True)
    notify_ico = models.BooleanField(null=True)
    tell_people = models.BooleanField(null=True)
    decision_reasons = models.TextField(blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When each was first told (from the notices), kept here for the clock and the log.
    ico_notified_at = models.DateTimeField(null=True, blank=True)
    ico_reference = models.CharField(max_length=60, blank=True)
    late_reasons = models.TextField(blank=True, help_text="Article 33(1): why after 72 hours")
    people_told_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-aware_at", "-id"]
        indexes = [models.Index(fields=["agency", "aware_at"], name="privacy_breach_agency_aware")]
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return self.reference

    @property
    def ico_due_at(self) -> datetime:
        return self.aware_at + timedelta(hours=ICO_HOURS)

    @property
    def awaits_ico(self) -> bool:
        """Not yet reported and not decided against: the clock runs."""
        return self.ico_notified_at is None and self.notify_ico is not False

    def ico_overdue(self, now: datetime) -> bool:
        return self.awaits_ico and self.ico_due_at < now

    @property
    def risk_label(self) -> str:
        return breach_risks().label(self.risk) if self.risk else "Not assessed"


class BreachNotice(BaseModel):
    """Who was told about a breach, when, by whom and how."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="notices")
    audience = models.CharField(max_length=30)
    told_at = models.DateTimeField()
    told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True, help_text="Who exactly, how, and any reference given")

    class Meta:
        ordering = ["told_at", "id"]

    def __str__(self) -> str:
        return f"{self.breach_id}:{self.audience}"

    @property
    def audience_label(self) -> str:
        return breach_audiences().label(self.audience)
