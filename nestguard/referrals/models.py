"""Referrals: what a partner saw, about whom and where, and what triage decided."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel
from nestguard.core.versioning import Versioned


def concern_types() -> CodeList:
    return code_list("referrals", "concern_types")


def indicators() -> CodeList:
    return code_list("referrals", "indicators")


def subject_roles() -> CodeList:
    return code_list("referrals", "subject_roles")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting triage"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REDIRECTED = "redirected", "Redirected"
    MERGED = "merged", "Added to an existing case"


class TriageDecision(models.TextChoices):
    ACCEPT = "accept", "Accept and open a case"
    DECLINE = "decline", "Decline"
    REDIRECT = "redirect", "Redirect to another service"
    MERGE = "merge", "Add to an existing case"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Yes, the person agreed"
    NOT_SOUGHT = "not_sought", "No, consent was not sought"
    REFUSED = "refused", "No, the person refused"


class Referral(BaseModel, Versioned):
    """A referral. Its version moves at triage (the draft has one author, the referrer)."""

    version_noun = "referral"
    version_fields = {
        "status": "Status",
        "decision": "Decision",
        "decision_reason_code": "Reason for declining",
        "redirect_to": "Redirected to",
        "decision_reason": "Reason given",
        "case": "Case",
        "decided_by": "Decided by",
    }
    version_private = frozenset({"decision_reason"})

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT, db_index=True
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_job_title = models.CharField(max_length=200, blank=True)

    # The address as the referrer typed it, and the register address it resolved to.
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    address_town = models.CharField(max_length=100, blank=True)
    address_postcode = models.CharField(max_length=8, blank=True)
    address = models.ForeignKey(
        "places.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # "No fixed address, or not known", with the referrer's reason, instead of an address.
    address_not_known = models.BooleanField(default=False)
    address_not_known_reason = models.TextField(blank=True)

    concern_types = models.JSONField(default=list, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    indicators_version = models.CharField(max_length=20, blank=True)
    signs_text = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, blank=True)
    urgency_rank = models.PositiveSmallIntegerField(default=9)

    lawful_basis = models.CharField(max_length=40, blank=True)
    consent = models.CharField(max_length=20, choices=ConsentStatus.choices, blank=True)
    consent_reason = models.CharField(max_length=40, blank=True)
    consent_notes = models.TextField(blank=True)

    # Which task-list sections the referrer has completed (drafts only).
    sections_completed = models.JSONField(default=list, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    triage_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    triage_agencies = models.ManyToManyField(
        "accounts.Agency", related_name="referrals_to_triage", blank=True
    )

    decision = models.CharField(max_length=20, choices=TriageDecision.choices, blank=True)
    decision_reason_code = models.CharField(max_length=40, blank=True)
    decision_reason = models.TextField(blank=True)
    redirect_to = models.CharField(max_length=40, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_decided",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # When the referrer first saw the triage outcome (their status page shows a banner until then).
    outcome_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A referral waiting for triage was sent and its clock started (`referral_submit`
            # sets both): so the triage queue orders by them plainly, and SQLite reads a page
            # from `triage_queue_idx` and stops, where `NULLS LAST` made it sort every waiting
            # referral of the first urgency (9 ms against 0.5 at scale 160; decision 0130).
            models.CheckConstraint(
                condition=~models.Q(status="submitted")
                | models.Q(submitted_at__isnull=False, triage_due_at__isnull=False),
                name="referral_submitted_has_clock",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "urgency_rank", "triage_due_at"], name="triage_queue_idx"
            ),
            models.Index(fields=["referrer", "created_at"], name="referrer_own_idx"),
            # The due view's triage clock: the submitted referrals, soonest due first, read
            # for a page and stopped; without it SQLite walked the due dates of every referral
            # ever made to find the few thousand waiting (decision 0095).
            models.Index(fields=["status", "triage_due_at"], name="referral_status_due_idx"),
            # The latest change, which keys the cached reports (decision 0089).
            models.Index(fields=["updated_at"], name="referral_updated_idx"),
            # The daily referral counts' fingerprints (decision 0120): how many referrals a
            # period's days hold and their newest stamp, read from the index alone.
            models.Index(
                fields=["submitted_at", "updated_at"], name="referral_submitted_stamp_idx"
            ),
            # The reports' tables that are not sums over days (decision 0125): the repeat
            # victims and addresses and the medians to triage read a period's referrals from
            # this index alone, never their rows (at scale 160, 40 to 50 % of those tables).
            models.Index(
                fields=["submitted_at", "id", "address", "decided_at", "triage_due_at"],
                name="referral_period_cover_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @classmethod
    def version_display(cls, field: str, value: Any) -> str | None:
        if field in ("decision_reason_code", "redirect_to") and value:
            name = "decline_reasons" if field == "decision_reason_code" else "redirect_targets"
            return code_list("referrals", name).label(value)
        return None

    @property
    def audit_label(self) -> str:
        return self.reference


class ReferralSubject(BaseModel):
    """A person of concern as the referrer described them; `person` is set on submission."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="subjects")
    role = models.CharField(max_length=30, default="person_at_risk")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    aliases = models.CharField(max_length=300, blank=True, help_text="Comma-separated")
    date_of_birth = models.DateField(null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(null=True, blank=True)
    identity_unknown = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    # Their phone numbers in E.164 (`nestguard.core.phones`); each one, once the referral is
    # submitted, ties the person to the number in the network (decision 0115).
    phones = models.JSONField(default=list, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral_links",
    )
    # The order the referrer gave them in: subjects added at one instant (one API request,
    # a clock that stands still in tests) would otherwise come back in whatever order the
    # database reads them (an index on the role put the suspected exploiter first).
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "position"]
        indexes = [
            # Who a period's referrals name, read from the index alone (the repeat victims
            # table, decision 0125).
            models.Index(fields=["referral", "role", "person"], name="referral_subject_role_idx"),
        ]

    def __str__(self) -> str:
        name = " ".join(p for p in [self.given_name, self.family_name] if p)
        return name or "Unknown person"


class TriageRoute(BaseModel):
    """Routing rule as data: referrals of this concern type also go to this agency's triage."""

    concern_type = models.CharField(max_length=30)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern_type", "agency"], name="unique_triage_route")
        ]

    def __str__(self) -> str:
        return f"{self.concern_type} -> {self.agency_id}"
