"""The onward services directory: the services and programmes partners refer people to.

A service is the partnership's record to keep (decision 0108): the release's data file
(`data/services.json`) only supplies services the database lacks, each edit keeps a revision
(who, when, what) through `core.versioning`, and a service is retired, never deleted, because
onward referrals name it by its code. Who a service takes is data on its row (`eligibility.py`
evaluates it), as is its follow-up clock (the King's Trust's three months' aftercare).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from nestguard.core.models import BaseModel
from nestguard.core.versioning import Versioned


class FollowUpFrom(models.TextChoices):
    ACCEPTED = "accepted", "the service accepts the referral"
    COMPLETED = "completed", "the service completes its work"


class Service(BaseModel, Versioned):
    code = models.CharField(
        max_length=60, unique=True, help_text="How onward referrals name the service; fixed"
    )
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=40)  # directory/data/categories.json
    provider = models.CharField(max_length=200, help_text="Who provides it, as partners say")
    provider_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The partner agency that provides it, when it is one",
    )
    description = models.TextField()
    # Eligibility, evaluated as data (eligibility.Eligibility): each empty rule allows all.
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    consent_required = models.BooleanField(default=False)
    concern_types_any = models.JSONField(default=list, blank=True)  # referrals concern_types
    subject_roles_any = models.JSONField(default=list, blank=True)  # referrals subject_roles
    wards_any = models.JSONField(default=list, blank=True)  # ward names of the case's addresses
    eligibility_source = models.CharField(max_length=300, blank=True)
    support_levels = models.JSONField(default=list, blank=True)  # the service's own words
    follow_up_months = models.PositiveSmallIntegerField(null=True, blank=True)
    follow_up_days = models.PositiveSmallIntegerField(null=True, blank=True)
    follow_up_from = models.CharField(max_length=20, choices=FollowUpFrom.choices, blank=True)
    follow_up_label = models.CharField(max_length=200, blank=True)
    how_to_refer = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    version_noun: ClassVar[str] = "service"
    version_fields: ClassVar[dict[str, str]] = {
        "name": "Name",
        "category": "Category",
        "provider": "Provider",
        "provider_agency": "Provider agency",
        "description": "What it offers",
        "min_age": "Youngest age",
        "max_age": "Oldest age",
        "consent_required": "Consent needed",
        "concern_types_any": "Concerns it takes",
        "subject_roles_any": "Roles it takes",
        "wards_any": "Wards it covers",
        "eligibility_source": "Source of the eligibility rules",
        "support_levels": "Levels of support",
        "follow_up_months": "Follow-up months",
        "follow_up_days": "Follow-up days",
        "follow_up_from": "Follow-up counted from",
        "follow_up_label": "Follow-up",
        "how_to_refer": "How to refer",
        "active": "Active",
    }

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="directory_service_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return self.code

    @classmethod
    def details(cls) -> list[str]:
        """The fields an edit sets (all that are versioned, but whether it is active)."""
        return [field for field in cls.version_fields if field != "active"]

    @property
    def has_follow_up(self) -> bool:
        return bool(self.follow_up_from and (self.follow_up_months or self.follow_up_days))

    @classmethod
    def version_display(cls, field: str, value: Any) -> str | None:
        if field in ("consent_required", "active") and isinstance(value, bool):
            return "yes" if value else "no"
        return None
