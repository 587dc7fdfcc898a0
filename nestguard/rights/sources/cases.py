"""Cases the person is a subject of: the case, its chronology (notes), interventions and
risk assessments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access import door
from nestguard.cases.models import Case, ChronologyEntry
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source
from nestguard.risk.models import RiskAssessment


def _cases(user: Any, subject: Subject) -> Iterator[Found]:
    cases = (
        door.visible(user, Case, purpose=PURPOSE)
        .filter(subjects__person_id__in=subject.person_ids)
        .distinct()
        .select_related("lead_agency")
        .prefetch_related("interventions__owner_agency")
        .order_by("opened_at", "pk")
    )
    for case in cases:
        yield Found(
            object_type="case",
            object_id=str(case.pk),
            title=f"Case {case.reference}",
            held_by=str(case.lead_agency),
            fields=fields_of(
                case,
                [
                    ("Summary", "summary"),
                    ("Status", "status"),
                    ("Concerns", "concern_types"),
                    ("Opened", "opened_at"),
                    ("Closed", "closed_at"),
                    ("Risk band", "risk_band"),
                    ("Outcomes", "outcomes"),
                    ("Closing summary", "closing_summary"),
                ],
            ),
        )
        for intervention in case.interventions.all():
            yield Found(
                object_type="intervention",
                object_id=str(intervention.pk),
                title=f"Intervention on case {case.reference}",
                held_by=str(intervention.owner_agency),
                fields=fields_of(
                    intervention,
                    [
                        ("Type", "type"),
                        ("Starts", "starts_on"),
                        ("Due", "due_on"),
                        ("Completed", "completed_on"),
                        ("Status", "status"),
                        ("Notes", "notes"),
                    ],
                ),
            )


def _chronology(user: Any, subject: Subject) -> Iterator[Found]:
    entries = (
        door.visible(user, ChronologyEntry, purpose=PURPOSE)
        .filter(case__subjects__person_id__in=subject.person_ids)
        .distinct()
        .select_related("case", "agency")
        .order_by("occurred_at", "pk")
    )
    for entry in entries:
        yield Found(
            object_type="chronologyentry",
            object_id=str(entry.pk),
            title=f"Chronology entry on case {entry.case.reference}",
            held_by=str(entry.agency or ""),
            fields=fields_of(
                entry,
                [("When", "occurred_at"), ("Kind", "kind"), ("Text", "text")],
            ),
        )


def _assessments(user: Any, subject: Subject) -> Iterator[Found]:
    assessments = (
        door.visible(user, RiskAssessment, purpose=PURPOSE)
        .filter(person_id__in=subject.person_ids)
        .select_related("case")
        .order_by("assessed_at", "pk")
    )
    for assessment in assessments:
        yield Found(
            object_type="riskassessment",
            object_id=str(assessment.pk),
            title=f"Risk assessment on case {assessment.case.reference}",
            fields=fields_of(
                assessment,
                [
                    ("Instrument", "instrument"),
                    ("Stage", "stage"),
                    ("Assessed", "assessed_at"),
                    ("Band", "band"),
                    ("Answers", "answers"),
                    ("Judgement", "judgement_reason"),
                ],
            ),
        )


register_source("cases", "Cases and interventions", _cases, models=[Case])
register_source("chronology", "Case chronology", _chronology, models=[ChronologyEntry])
register_source("assessments", "Risk assessments", _assessments, models=[RiskAssessment])
