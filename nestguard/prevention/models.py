"""Housing signals from housing agencies, and the weekly prevention list built from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from nestguard.core.models import BaseModel
from nestguard.prevention.policy import signal_codes


class SignalBatch(BaseModel):
    """One delivery of signals: a CSV file or one API request."""

    class Via(models.TextChoices):
        CSV = "csv", "CSV import"
        API = "api", "API"
        DEMO = "demo", "Demo borough"

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    source_name = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.get_via_display()} {self.source_name} ({self.rows})"


class HousingSignal(BaseModel):
    """A tenancy signal a housing agency observed at an address. Nothing about a person."""

    address = models.ForeignKey("places.Address", on_delete=models.PROTECT, related_name="+")
    signal = models.CharField(max_length=40)
    observed_on = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    batch = models.ForeignKey(SignalBatch, on_delete=models.PROTECT, related_name="signals")

    class Meta:
        ordering = ["-observed_on"]
        indexes = [
            # The weekly build reads one agency's signals in a window of dates.
            models.Index(fields=["agency", "observed_on"], name="prev_signal_agency_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="prev_signal_amount_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal_label} on {self.observed_on}"

    @property
    def signal_label(self) -> str:
        return signal_codes().label(self.signal)


class PreventionEntry(BaseModel):
    """An address on an agency's prevention list for a week, with why (`contributions`:
    each signal's code, date and weight as the rules of `rules_version` counted it)."""

    address = models.ForeignKey("places.Address", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField()
    score = models.PositiveIntegerField()
    contributions = models.JSONField(default=list)
    rules_version = models.CharField(max_length=40)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "-score", "id"]
        verbose_name_plural = "prevention entries"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "address", "week_start"], name="prev_entry_one_per_week"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "-week_start", "-score"], name="prev_entry_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.address_id} week of {self.week_start}"

    @property
    def audit_label(self) -> str:
        return f"Prevention list, week of {self.week_start:%d %b %Y}"


class PreventionAction(BaseModel):
    """What a caseworker did about an entry. The list never acts by itself."""

    class Kind(models.TextChoices):
        VISITED = "visited", "Visited"
        REFERRED = "referred", "Referred"
        NO_CONCERN = "no_concern", "No concern"

    entry = models.ForeignKey(PreventionEntry, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField()
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.entry_id})"
