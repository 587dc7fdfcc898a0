"""Reads of risk assessments (the visible set is the registered policy, `access_policy.py`)."""

from __future__ import annotations

from nestguard.risk.models import RiskAssessment


def previous_assessment(assessment: RiskAssessment) -> RiskAssessment | None:
    """The one before this, of the same case with the same instrument (what the trend compares)."""
    return (
        RiskAssessment.objects.filter(
            case_id=assessment.case_id,
            instrument=assessment.instrument,
            assessed_at__lt=assessment.assessed_at,
        )
        .order_by("-assessed_at")
        .first()
    )
