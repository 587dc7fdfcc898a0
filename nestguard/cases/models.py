"""Cases: who leads, who takes part, whom and where it concerns, what was done, how it ended."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from nestguard.access.restrictions import (
    restriction_filter,
    restriction_label,
    withheld_from_subject,
)
from nestguard.childhood.policy import opened_on, transition_dates
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


class CaseSubjectQuerySet(models.QuerySet["CaseSubject"]):
    def bulk_create(self, objs: Iterable[CaseSubject], *args: Any, **kwargs: Any) -> Any:
        """Links written together carry their transition days as one written alone does."""
        links = list(objs)
        _set_transition_dates(links)
        return super().bulk_create(links, *args, **kwargs)  # type: ignore[arg-type]

    def keep_transition_dates(self) -> int:
        """Work these links' transition days out again from their people's dates of birth and
        their cases' opening and status, after one changed (or the rules did): how many
        changed."""
        rows = self.values_list(
            "pk",
            "person__date_of_birth",
            "case__opened_at",
            "case__status",
            *TRANSITION_FIELDS,
        )
        changed: dict[tuple[Any, ...], list[Any]] = {}
        for pk, born, opened_at, status, *stored in rows.iterator(chunk_size=2000):
            dates = _transition_values(born, opened_at, status)
            if list(dates) != stored:
                changed.setdefault(dates, []).append(pk)
        for dates, pks in changed.items():
            for start in range(0, len(pks), 500):
                CaseSubject.objects.filter(pk__in=pks[start : start + 500]).update(
                    **dict(zip(TRANSITION_FIELDS, dates, strict=True))
                )
        return sum(len(pks) for pks in changed.values())


# The transition alert of a child named on a case (decision 0123): stored on the link while
# the case is not closed, derived from the person's date of birth and the day the case opened
# (`childhood.policy`).
TRANSITION_FIELDS = ("transition_opens_on", "transition_due_on", "transition_lapses_on")


class CaseSubject(BaseModel):
    """A person's role in this case. One person may hold several roles (victim and suspect).

    A child when the case opened carries the days of their transition alert while the case is
    not closed (decision 0123): it opens at 17 and a half, falls due at 18, lapses unanswered
    at 25 (`childhood.policy`). They are written with the link (`save`, `bulk_create`) and
    worked out again by `keep_transition_dates` when a date of birth changes or the case
    closes or reopens; null when there is no alert, so that the clock's index holds the
    alerts that may be open, not the history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(max_length=30)
    transition_opens_on = models.DateField(null=True, blank=True, editable=False)
    transition_due_on = models.DateField(null=True, blank=True, editable=False)
    transition_lapses_on = models.DateField(null=True, blank=True, editable=False)

    objects = CaseSubjectQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="unique_case_subject")
        ]
        indexes = [
            # The transition clock's links alone (children when their case opened, on a case
            # not closed), soonest due first, holding all the clock's page reads (covering).
            models.Index(
                fields=[
                    "transition_due_on",
                    "transition_opens_on",
                    "transition_lapses_on",
                    "case",
                    "person",
                    "id",
                ],
                condition=models.Q(transition_opens_on__isnull=False),
                name="subject_transition_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.person_id}:{self.role}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or {"case", "person", "case_id", "person_id"} & set(fields):
            _set_transition_dates([self])
            if fields is not None:
                kwargs["update_fields"] = {*fields, *TRANSITION_FIELDS}
        super().save(*args, **kwargs)


def _transition_values(
    born: date | None, opened_at: datetime, status: str
) -> tuple[date | None, ...]:
    dates = None if status == CaseStatus.CLOSED else transition_dates(born, opened_on(opened_at))
    return (None, None, None) if dates is None else (dates.opens_on, dates.due_on, dates.lapses_on)


def _set_transition_dates(links: list[CaseSubject]) -> None:
    """Each link's transition days from its person's date of birth and its case's opening and
    status, as the database holds them (two queries for any number of links)."""
    if not links:
        return
    people = CaseSubject._meta.get_field("person").related_model
    born = dict(
        people._default_manager.filter(pk__in={link.person_id for link in links}).values_list(
            "pk", "date_of_birth"
        )
    )
    cases = {
        pk: (opened_at, status)
        for pk, opened_at, status in Case.objects.filter(
            pk__in={link.case_id for link in links}
        ).values_list("pk", "opened_at", "status")
    }
    for link in links:
        values = _transition_values(born.get(link.person_id), *cases[link.case_id])
        for name, value in zip(TRANSITION_FIELDS, values, strict=True):
            setattr(link, name, value)


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
