"""Cases: who leads, who takes part, whom and where it concerns, what was done, how it ended."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from nestguard.access.restrictions import (
    restriction_filter,
    restriction_label,
    withheld_from_subject,
)
from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel
from nestguard.core.versioning import Versioned


def outcomes() -> CodeList:
    return code_list("cases", "outcomes")


def resolutions() -> CodeList:
    return code_list("cases", "resolutions")


def intervention_types() -> CodeList:
    return code_list("cases", "interventions")


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"


class Case(BaseModel, Versioned):
    version_noun = "case"
    version_fields = {
        "status": "Status",
        "lead_agency": "Lead agency",
        "lead_worker": "Lead worker",
        "outcomes": "Outcomes",
        "resolution": "Resolution",
        "closing_summary": "Closing summary",
        "closed_at": "Closed",
    }
    version_private = frozenset({"closing_summary"})

    reference = models.CharField(max_length=20, unique=True)
    summary = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True
    )
    lead_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="cases_led"
    )
    lead_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_led",
    )
    concern_types = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcomes = models.JSONField(default=list, blank=True)
    resolution = models.CharField(max_length=40, blank=True)
    closing_summary = models.TextField(blank=True)
    # The latest assessment, kept on the case so lists and queues sort without joins.
    risk_band = models.CharField(max_length=10, blank=True, db_index=True)
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["lead_agency", "status"], name="case_agency_status_idx"),
            # The case list's keyset order (decision 0081): a page walks it and stops.
            models.Index(fields=["next_review_on", "-opened_at", "id"], name="case_list_order_idx"),
            # Reports (decision 0089): cases closed in a period, open at its end, and the
            # latest change, which keys the cached report.
            models.Index(fields=["closed_at"], name="case_closed_at_idx"),
            models.Index(fields=["updated_at"], name="case_updated_idx"),
            # The daily case counts' fingerprints (decision 0125): count and newest stamp of
            # the cases opened, and closed, in a span of days, from the index alone.
            models.Index(fields=["opened_at", "updated_at"], name="case_opened_stamp_idx"),
            models.Index(fields=["closed_at", "updated_at"], name="case_closed_stamp_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @classmethod
    def version_display(cls, field: str, value: Any) -> str | None:
        if field == "outcomes" and value:
            return ", ".join(outcomes().label(code) for code in value)
        if field == "resolution" and value:
            return resolutions().label(value)
        return None

    @property
    def audit_label(self) -> str:
        return self.reference


class CaseTeamUser(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team_users")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="unique_case_team_user")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"


class CaseTeamAgency(BaseModel):
    """A partner agency taking part; its users see the case under an active sharing agreement."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team_agencies")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="unique_case_team_agency")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.agency_id}"


class CaseSubject(BaseModel):
    """A person's role in this case. One person may hold several roles (victim and suspect)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="unique_case_subject")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.person_id}:{self.role}"


class CaseAddress(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="addresses")
    address = models.ForeignKey(
        "places.Address", on_delete=models.PROTECT, related_name="case_links"
    )
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "address"], name="unique_case_address")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.address_id}"


class ChronologyKind(models.TextChoices):
    EVENT = "event", "Event"
    NOTE = "note", "Note"


class ChronologyEntryQuerySet(models.QuerySet["ChronologyEntry"]):
    def restricted_for(self, user: Any) -> ChronologyEntryQuerySet:
        """The entries whose handling restriction lets `user` read them. Apply on top of
        the case's visibility (decision 78): this says nothing about the case itself."""
        return self.filter(restriction_filter(user, agency_field="agency_id"))

    def disclosable_to_subject(self) -> ChronologyEntryQuerySet:
        """Entries a subject access disclosure may include."""
        return self.exclude(restriction__in=withheld_from_subject())


class ChronologyEntry(BaseModel):
    """The case chronology: what happened and when. Services add events; workers add notes.
    Each carries a handling restriction (`access/data/handling_restrictions.json`) and the
    agency that recorded it, which alone may change the restriction."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=ChronologyKind.choices)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The author's agency when it was written (users move agencies; the record does not).
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    restriction = models.CharField(max_length=40, default="open_to_case_team")

    objects = ChronologyEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"{self.case_id}@{self.occurred_at:%Y-%m-%d}"

    @property
    def restriction_label(self) -> str:
        return restriction_label(self.restriction)


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Intervention(BaseModel, Versioned):
    version_noun = "intervention"
    version_fields = {"status": "Status", "completed_on": "Date completed", "notes": "Notes"}
    version_private = frozenset({"notes"})

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    type = models.CharField(max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interventions_owned"
    )
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=InterventionStatus.choices, default=InterventionStatus.PLANNED
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.type}"
