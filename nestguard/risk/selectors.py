"""Reads of risk assessments: only those of cases the user can see."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from nestguard.cases.access_policy import visible_case_ids
from nestguard.risk.models import RiskAssessment


def visible_assessment(user: Any, pk: Any) -> RiskAssessment:
    return get_object_or_404(
        RiskAssessment.objects.filter(case__in=visible_case_ids(user)).select_related(
            "case", "case__lead_agency", "assessed_by", "person"
        ),
        pk=pk,
    )


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
