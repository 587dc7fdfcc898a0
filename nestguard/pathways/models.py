"""Pathways: missing episodes and return home interviews, the National Referral Mechanism and
the anonymous Duty to Notify, and onward referrals to local services.

Code lists and rules live in `pathways/data/` (see `pathways.rules`); the fields here hold
codes, never labels.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from nestguard.core.codes import code_list
from nestguard.core.models import BaseModel


class MissingEpisode(BaseModel):
    """One time a person (usually a child) was reported missing or absent."""

    reference = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="missing_episodes"
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missing_episodes",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recording_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    report_type = models.CharField(max_length=20)  # report_types
    risk_grade = models.CharField(max_length=20)  # missing_risk_grades
    category = models.CharField(max_length=40)  # missing_categories
    care_status = models.CharField(max_length=30)  # care_statuses
    # Kept as at the start so that reports by age band do not shift as people get older.
    age_at_start = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(db_index=True)
    reported_at = models.DateTimeField()
    police_reference = models.CharField(max_length=40, blank=True)
    circumstances = models.TextField(blank=True)
    returned_at = models.DateTimeField(null=True, blank=True, db_index=True)
    found_location = models.CharField(max_length=200, blank=True)
    # Where they were found as an address (typed, matched to the register where it can be):
    # a child found at an address is a risk signal there, and ties the child to it in the
    # network (decision 0115). `found_location` keeps the detail in words.
    found_address = models.ForeignKey(
        "places.Address",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="found_episodes",
    )
    found_by = models.CharField(max_length=30, blank=True)  # found_by
    safe_and_well_at = models.DateTimeField(null=True, blank=True)
    safe_and_well_by = models.CharField(max_length=200, blank=True)
    # Empty until the return is recorded: then what happened during the episode, codes of
    # data/harm_kinds.json ("none" and "not_known" stand alone).
    harm = models.JSONField(default=list, blank=True)
    harm_details = models.TextField(blank=True)
    # Whether the return interview's clock is closed (held, declined or decided against:
    # `rhi_outcomes` `closes_clock`). Kept by `return_interview_record`, the one write path of
    # interviews, so that the due view reads the open clocks through an index of them alone
    # rather than testing every returned episode of the borough for its interview
    # (decision 0121).
    rhi_clock_closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["person", "started_at"], name="missing_person_start_idx"),
            # The latest change keys the cached county lines review (decision 0089).
            models.Index(fields=["updated_at"], name="missing_updated_idx"),
            # The open return-interview clocks in the order they fall due: the due view and
            # the overdue notices read these and no others (decision 0121). An open clock is
            # work someone must do, so the index grows with the work, not with the history.
            models.Index(
                fields=["returned_at", "id"],
                condition=models.Q(returned_at__isnull=False, rhi_clock_closed=False),
                name="missing_rhi_open_idx",
            ),
        ]
        constraints = [
            # One open episode per person, even when two reports arrive at once.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(returned_at__isnull=True),
                name="one_open_missing_episode_per_person",
            )
        ]

    @property
    def harm_labels(self) -> list[str]:
        kinds = code_list("pathways", "harm_kinds")
        return [kinds.label(code) for code in self.harm]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    def rhi_due_at(self, hours: int) -> datetime | None:
        return self.returned_at + timedelta(hours=hours) if self.returned_at else None


class ReturnInterview(BaseModel):
    """The return home interview offered after an episode, and what it found."""

    episode = models.OneToOneField(
        MissingEpisode, on_delete=models.CASCADE, related_name="return_interview"
    )
    outcome = models.CharField(max_length=20)  # rhi_outcomes
    offered_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    interviewer = models.CharField(max_length=200, blank=True)
    interviewer_independent = models.BooleanField(default=False)
    themes = models.JSONField(default=list, blank=True)  # rhi_themes
    where_they_were = models.TextField(blank=True)
    who_with = models.TextField(blank=True)
    exploitation_signs = models.TextField(blank=True)
    reason_not_held = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"RHI {self.episode_id}"


class NrmReferral(BaseModel):
    """A referral into the National Referral Mechanism made by a first responder."""

    reference = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="nrm_referrals"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="nrm_referrals"
    )
    referring_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_on = models.DateField(db_index=True)
    is_child = models.BooleanField()
    age_at_referral = models.PositiveSmallIntegerField(null=True, blank=True)
    consent = models.CharField(max_length=20)  # nrm_consent
    exploitation_types = models.JSONField(default=list)  # referrals concern_types
    decision_body = models.CharField(max_length=30)  # nrm_decision_bodies
    summary = models.TextField(blank=True)
    stage = models.CharField(max_length=40, db_index=True)  # nrm_stages
    rg_due_on = models.DateField()
    rg_decided_on = models.DateField(null=True, blank=True)
    recovery_ends_on = models.DateField(null=True, blank=True)
    cg_decided_on = models.DateField(null=True, blank=True)
    # While a reconsideration is pending: of which decision ("rg" or "cg").
    reconsidering = models.CharField(max_length=2, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_on", "-reference"]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def stage_key(self) -> str:
        """The stage as the transition rules name it (a reconsideration says of what)."""
        return f"{self.stage}:{self.reconsidering}" if self.reconsidering else self.stage


class NrmStageChange(BaseModel):
    """The history of an NRM referral: each decision, request and withdrawal, with its date."""

    referral = models.ForeignKey(
        NrmReferral, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=40, blank=True)
    to_stage = models.CharField(max_length=40)
    occurred_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.to_stage}"


class DutyToNotify(BaseModel):
    """An anonymous Duty to Notify (MS1) record for an adult who did not consent to the NRM.

    Modern Slavery Act 2015 s.52(3): no identifying information. So this model has no link to
    a person or a case, no name, no date of birth and no address: an age band, a gender, the
    kinds of exploitation and a town or area, and a summary written without identifying details.
    """

    reference = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notified_on = models.DateField()
    age_band = models.CharField(max_length=20)  # dtn_age_bands
    gender = models.CharField(max_length=20)  # dtn_genders
    exploitation_types = models.JSONField(default=list)
    area = models.CharField(max_length=100, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-notified_on", "-reference"]
        verbose_name = "Duty to Notify record"

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return self.reference


class OnwardReferral(BaseModel):
    """A referral from a case to a local service or programme in the directory."""

    reference = models.CharField(max_length=20, unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="onward_referrals"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=60)  # directory.Service.code (fixed, never deleted)
    status = models.CharField(max_length=20, db_index=True)  # onward_statuses
    consent_given = models.BooleanField(default=False)
    reason = models.TextField()
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    responded_on = models.DateField(null=True, blank=True)
    response_note = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    # The service's follow-up clock (its aftercare), worked out from its row when the referral
    # was accepted or completed; later edits of the service move no date already set.
    follow_up_due_on = models.DateField(null=True, blank=True, db_index=True)
    follow_up_label = models.CharField(max_length=200, blank=True)
    followed_up_on = models.DateField(null=True, blank=True)
    follow_up_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_on", "-reference"]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return self.reference
