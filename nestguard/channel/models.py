"""Prevent and Channel (decision 0109): a practitioner's Prevent referral to the council's
Prevent lead, the police gateway assessment, the Channel panel's decision, consent to
support (voluntary: the person's, or a parent's or guardian's under 18) and support.

A compartment of its own: only the Prevent lead and the referrer's agency see a referral
(`access_policy`), and the partnership's reports count it only in the Prevent report."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel
from nestguard.enforcement.periods import add_months_to_date


def ideologies() -> CodeList:
    return code_list("channel", "ideologies")


def gateway_outcomes() -> CodeList:
    return code_list("channel", "gateway_outcomes")


def panel_outcomes() -> CodeList:
    return code_list("channel", "panel_outcomes")


def consent_states() -> CodeList:
    return code_list("channel", "consent_states")


def consent_givers() -> CodeList:
    return code_list("channel", "consent_givers")


def channel_rule(code: str) -> int:
    return int(code_list("channel", "rules").get(code)["value"])


class PreventLead(BaseModel):
    """Who receives the partnership's Prevent referrals: an agency (the council, in the
    Liverpool notes), or one team of it. A setting, not code: the latest row without an end
    is in force; naming a new lead ends the last."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.team or self.agency)


class Stage(models.TextChoices):
    RECEIVED = "received", "Received by the Prevent lead"
    PANEL = "panel", "Passed the gateway: for the Channel panel"
    ADOPTED = "adopted", "Adopted as a Channel case: support not yet started"
    SUPPORT = "support", "Channel support under way"
    EXITED = "exited", "Channel support ended"
    CLOSED = "closed", "Closed"


class PreventReferral(BaseModel):
    reference = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # Where the concern was raised: a referral or a case with the radicalisation concern.
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referrer_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    # The Prevent lead when the referral was made (a later change of lead does not move it).
    lead_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    lead_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referred_at = models.DateTimeField()
    age_at_referral = models.PositiveSmallIntegerField(null=True, blank=True)
    ideology = models.CharField(max_length=30)
    signs = models.JSONField(default=list, blank=True)
    concern = models.TextField()
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.RECEIVED)
    # The police counter-terrorism gateway assessment.
    gateway_outcome = models.CharField(max_length=30, blank=True)
    gateway_on = models.DateField(null=True, blank=True)
    gateway_note = models.TextField(blank=True)
    # The Channel panel (chaired by the local authority).
    panel_on = models.DateField(null=True, blank=True)
    panel_outcome = models.CharField(max_length=30, blank=True)
    referred_to = models.CharField(max_length=200, blank=True)
    panel_note = models.TextField(blank=True)
    support_started_on = models.DateField(null=True, blank=True)
    support_ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_at"]
        indexes = [
            models.Index(fields=["lead_agency", "referred_at"], name="prevent_lead_idx"),
            models.Index(fields=["referrer_agency", "referred_at"], name="prevent_referrer_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def ideology_label(self) -> str:
        return ideologies().label(self.ideology)

    @property
    def gateway_label(self) -> str:
        return gateway_outcomes().label(self.gateway_outcome) if self.gateway_outcome else ""

    @property
    def panel_label(self) -> str:
        return panel_outcomes().label(self.panel_outcome) if self.panel_outcome else ""

    @property
    def is_child(self) -> bool:
        return self.age_at_referral is not None and self.age_at_referral < channel_rule("adult_age")

    def review_dates(self) -> tuple[date, date] | None:
        """The reviews after support ended, at 6 and 12 months (local policy, U)."""
        if self.support_ended_on is None:
            return None
        end = self.support_ended_on
        return (
            add_months_to_date(end, channel_rule("first_review_months")),
            add_months_to_date(end, channel_rule("second_review_months")),
        )


class ConsentRecord(BaseModel):
    """Each answer about consent to Channel support, in order: the last is in force."""

    prevent_referral = models.ForeignKey(
        PreventReferral, on_delete=models.CASCADE, related_name="consents"
    )
    # The order answers were recorded in (1, 2, ...): two on one day, or at one instant, are
    # still in order.
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12)
    given_by = models.CharField(max_length=20)
    giver_name = models.CharField(max_length=200, blank=True)
    on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["prevent_referral", "number"], name="prevent_consent_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prevent_referral_id}: {self.state}"

    @property
    def state_label(self) -> str:
        return consent_states().label(self.state)

    @property
    def giver_label(self) -> str:
        return consent_givers().label(self.given_by)
