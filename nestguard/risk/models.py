"""Risk assessments: scored against a versioned instrument, never a level without criteria."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from nestguard.core.models import BaseModel


class AssessmentStage(models.TextChoices):
    INITIAL = "initial", "Initial"
    REVIEW = "review", "Review"
    FINAL = "final", "Final"


class Trend(models.TextChoices):
    FIRST = "first", "First assessment"
    INCREASED = "increased", "Increased"
    DECREASED = "decreased", "Decreased"
    SAME = "same", "Same"


class RiskAssessment(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    instrument = models.CharField(max_length=60)
    instrument_version = models.CharField(max_length=20)
    stage = models.CharField(max_length=10, choices=AssessmentStage.choices)
    # {item code: option code} as answered, and {item code: points} as scored.
    answers = models.JSONField(default=dict)
    item_scores = models.JSONField(default=dict)
    assessment_score = models.PositiveSmallIntegerField()
    judgement_adjustment = models.SmallIntegerField(default=0)
    judgement_reason = models.TextField(blank=True)
    overall_score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10)
    trend = models.CharField(max_length=10, choices=Trend.choices)
    next_review_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.band}:{self.overall_score}"

    @property
    def audit_label(self) -> str:
        """How a read of it is named in the audit trail (the door writes it)."""
        return f"{self.case.reference}: {self.instrument}"
