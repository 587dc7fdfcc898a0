"""Partner intelligence: a report as submitted (the original), its 3x5x2 grade, the sanitised
versions made from it to share, and the record of each share (decision 0097).

The original names the source (the submitter and how they know it): only the submitting
agency's own (see `access_policy`) and the grading function ever read it. Partners read only
sanitised versions, which carry the grade and handling code, and only those shared with
their agency under an agreement in force (and not excluded by a code C condition).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from nestguard.core.codes import code_list
from nestguard.core.models import BaseModel


class IntelligenceFunction(BaseModel):
    """The partnership's intelligence function: the agency whose intelligence officers grade
    and sanitise partner intelligence (police or the hub), and whether a second person checks
    a sanitised version before it is shared. The latest row is in force; without one the
    defaults of `data/function.json` apply."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    second_check = models.BooleanField(default=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Intelligence function: {self.agency}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting to be graded"
    GRADED = "graded", "Graded"


class IntelligenceReport(BaseModel):
    """What a practitioner saw or was told, as they submitted it (never edited afterwards)."""

    reference = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The function that received it: it grades it, whatever the partnership names later.
    function_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    # When the intelligence happened (not when it was typed), where, and what was seen.
    observed_on = models.DateField()
    observed_time = models.CharField(max_length=60, blank=True)
    location = models.CharField(max_length=300, blank=True)
    what = models.TextField()
    how_known = models.CharField(max_length=30)
    how_known_detail = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    due_at = models.DateTimeField(help_text="Grade by (partnership policy, data/function.json)")
    # The 3x5x2 grade, set once by the grading function.
    source_evaluation = models.CharField(max_length=1, blank=True)
    intelligence_assessment = models.CharField(max_length=1, blank=True)
    handling_code = models.CharField(max_length=1, blank=True)
    handling_conditions = models.TextField(blank=True)
    # Under a code C condition: agencies a sanitised version may never be shared with.
    excluded_agencies = models.ManyToManyField("accounts.Agency", related_name="+", blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["function_agency", "status", "due_at"], name="intel_queue_idx"),
            models.Index(fields=["agency", "-created_at"], name="intel_agency_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def grade(self) -> str:
        """ "1A P" style, or "" before grading."""
        if not self.graded_at:
            return ""
        return f"{self.source_evaluation}{self.intelligence_assessment} {self.handling_code}"

    @property
    def how_known_label(self) -> str:
        return code_list("intelligence", "how_known").label(self.how_known)


class SubjectKind(models.TextChoices):
    PERSON = "person", "Person"
    ADDRESS = "address", "Address"
    PHONE = "phone", "Phone number"
    VEHICLE = "vehicle", "Vehicle"
    TEXT = "text", "Something else"


class SubjectFields(models.Model):
    """Who or what the intelligence concerns, one structured row each: a person (known to
    the partnership, or described), an address (of the register, or typed), a phone in E.164,
    a vehicle by its VRM, or free text. `label` is the line shown to a reader."""

    kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    phone = models.CharField(max_length=20, blank=True, db_index=True)
    vrm = models.CharField(max_length=10, blank=True, db_index=True)
    label = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"


class ReportSubject(SubjectFields, BaseModel):
    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="subjects"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.ForeignKey(
        "places.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(SubjectFields.Meta):
        pass


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_CHECK = "awaiting_check", "Waiting for a second check"
    RELEASED = "released", "Ready to share"


class SanitisedVersion(BaseModel):
    """What partners may read: the grader's text with the source and anything identifying
    them removed, with the grade and handling code it carries (copied at release, so that a
    partner reads exactly what was checked)."""

    reference = models.CharField(max_length=20, unique=True)
    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.PROTECT, related_name="versions"
    )
    function_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    status = models.CharField(max_length=16, choices=VersionStatus.choices)
    source_evaluation = models.CharField(max_length=1)
    intelligence_assessment = models.CharField(max_length=1)
    handling_code = models.CharField(max_length=1)
    handling_conditions = models.TextField(blank=True)
    observed_on = models.DateField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["function_agency", "status"], name="intel_version_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def grade(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment} {self.handling_code}"


class SanitisedSubject(SubjectFields, BaseModel):
    """A subject the sanitised version keeps (the grader may leave any out)."""

    version = models.ForeignKey(SanitisedVersion, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.ForeignKey(
        "places.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(SubjectFields.Meta):
        pass


class IntelligenceShare(BaseModel):
    """The dissemination log: a sanitised version shared with an agency, and the agreement
    and lawful basis relied on. A partner reads a version only through a share, and only
    while an agreement with the function is in force."""

    version = models.ForeignKey(SanitisedVersion, on_delete=models.PROTECT, related_name="shares")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # None only within the function's own agency (no disclosure to another agency).
    sharing_agreement = models.ForeignKey(
        "accounts.SharingAgreement", on_delete=models.PROTECT, null=True, related_name="+"
    )
    lawful_basis = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "agency"], name="intel_share_once")
        ]
        indexes = [models.Index(fields=["agency", "-created_at"], name="intel_share_agency_idx")]

    def __str__(self) -> str:
        return f"{self.version} to {self.agency}"
