"""A child's placements and education, and the transition of a child on a case to adult
services (issue 16 point 5, decision 0110). Who sees them: `access_policy.py`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel


def placement_types() -> CodeList:
    return code_list("childhood", "placement_types")


def education_statuses() -> CodeList:
    return code_list("childhood", "education_statuses")


def _same_authority(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


class Placement(BaseModel):
    """Where a child was placed, by whom, and from when to when."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    placement_type = models.CharField(max_length=30)
    placing_authority = models.CharField(max_length=200)
    # The local authority the placement is in, when known: with the placing authority it
    # decides whether the placement is out of borough.
    located_authority = models.CharField(max_length=200, blank=True)
    # Recorded only when the located authority is not known.
    recorded_out_of_borough = models.BooleanField(null=True, blank=True)
    address = models.ForeignKey(
        "places.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recording_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["person", "starts_on"], name="placement_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="placement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type_label} from {self.starts_on:%-d %B %Y}"

    @property
    def audit_label(self) -> str:
        return str(self)

    @property
    def type_label(self) -> str:
        return placement_types().label(self.placement_type)

    @property
    def out_of_borough(self) -> bool | None:
        """Derived when both authorities are known; as recorded otherwise (None: not known)."""
        if self.placing_authority and self.located_authority:
            return not _same_authority(self.placing_authority, self.located_authority)
        return self.recorded_out_of_borough


class EducationStatus(BaseModel):
    """A child's education at a time: excluded, on a part-time timetable, NEET, ..."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=30)
    provider = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recording_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name_plural = "education statuses"
        indexes = [models.Index(fields=["person", "starts_on"], name="education_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="education_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.status_label} from {self.starts_on:%-d %B %Y}"

    @property
    def audit_label(self) -> str:
        return str(self)

    @property
    def status_label(self) -> str:
        return education_statuses().label(self.status)


class TransitionPlan(BaseModel):
    """The answer to a transition alert: the plan for a child on a case who is becoming an
    adult, and the adult service that takes it on. One per case and person."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    adult_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.TextField()
    recording_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="transition_one_per_subject")
        ]

    def __str__(self) -> str:
        return f"Transition plan for {self.person_id} on {self.case_id}"

    @property
    def audit_label(self) -> str:
        return "Transition plan"
