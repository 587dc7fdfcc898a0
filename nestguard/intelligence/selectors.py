"""Reads of partner intelligence, each starting from the door.

`report_subjects` and `version_subjects` are the typed selector the network work derives
links from: a report's (or a sanitised version's, which the grader may trim) structured
subjects with the grade and handling code. Network links for partners must come from
sanitised versions only (`version_subjects` of versions the reader may see).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from nestguard.access.door import visible
from nestguard.accounts.models import Agency, User
from nestguard.core.keyset import Key
from nestguard.intelligence.models import (
    IntelligenceReport,
    IntelligenceShare,
    ReportStatus,
    SanitisedVersion,
    VersionStatus,
)
from nestguard.intelligence.policy import grades_for, is_intelligence_officer

NEWEST_FIRST = (Key("created_at", descending=True), Key("pk", descending=True))
QUEUE_KEYS = (Key("due_at"), Key("pk"))


@dataclass(frozen=True)
class SubjectRow:
    """One structured subject, with the grade it carries (empty before grading)."""

    kind: str  # person, address, phone, vehicle, text
    label: str
    person_id: Any  # a people.Person key, or None
    address_id: Any  # a places.Address key, or None
    phone: str  # E.164, or ""
    vrm: str  # uppercase, no spaces, or ""
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str


def _rows(subjects: Any, graded: Any) -> list[SubjectRow]:
    return [
        SubjectRow(
            kind=s.kind,
            label=s.label,
            person_id=s.person_id,
            address_id=s.address_id,
            phone=s.phone,
            vrm=s.vrm,
            source_evaluation=graded.source_evaluation,
            intelligence_assessment=graded.intelligence_assessment,
            handling_code=graded.handling_code,
        )
        for s in subjects
    ]


def report_subjects(report: IntelligenceReport) -> list[SubjectRow]:
    """A report's subjects as submitted (for the grading function; load it through the
    door first)."""
    return _rows(report.subjects.all(), report)


def version_subjects(version: SanitisedVersion) -> list[SubjectRow]:
    """A sanitised version's subjects (those the grader kept), with its grade."""
    return _rows(version.subjects.all(), version)


def shared_versions_of(user: User | Any) -> QuerySet[SanitisedVersion]:
    """Released versions the user may see (the network's input: sanitised only)."""
    return visible(user, SanitisedVersion).filter(status=VersionStatus.RELEASED)


def agency_reports(user: User) -> QuerySet[IntelligenceReport]:
    """My agency's reports (all of them for its supervisors and intelligence officers; a
    practitioner's own otherwise)."""
    if user.agency_id is None:
        return IntelligenceReport.objects.none()
    return (
        visible(user, IntelligenceReport)
        .filter(agency_id=user.agency_id)
        .select_related("submitted_by")
    )


def grading_queue(user: User) -> QuerySet[IntelligenceReport]:
    if not is_intelligence_officer(user):
        return IntelligenceReport.objects.none()
    return (
        visible(user, IntelligenceReport)
        .filter(function_agency_id=user.agency_id, status=ReportStatus.SUBMITTED)
        .select_related("agency")
    )


def graded_reports(user: User) -> QuerySet[IntelligenceReport]:
    if not is_intelligence_officer(user):
        return IntelligenceReport.objects.none()
    return (
        visible(user, IntelligenceReport)
        .filter(function_agency_id=user.agency_id, status=ReportStatus.GRADED)
        .select_related("agency")
    )


def checks_waiting(user: User) -> QuerySet[SanitisedVersion]:
    """Versions waiting for a second check by this officer (never their own)."""
    if not is_intelligence_officer(user):
        return SanitisedVersion.objects.none()
    return (
        visible(user, SanitisedVersion)
        .filter(function_agency_id=user.agency_id, status=VersionStatus.AWAITING_CHECK)
        .exclude(written_by=user)
        .select_related("written_by")
    )


def received_versions(user: User) -> QuerySet[SanitisedVersion]:
    """Released versions shared with the user's agency (and still readable)."""
    if user.agency_id is None:
        return SanitisedVersion.objects.none()
    return visible(user, SanitisedVersion).filter(
        status=VersionStatus.RELEASED, shares__agency_id=user.agency_id
    )


def versions_of(user: User, report: IntelligenceReport) -> list[SanitisedVersion]:
    """The function's versions of a report (none for anyone else)."""
    if not grades_for(user, report.function_agency_id):
        return []
    return list(
        visible(user, SanitisedVersion)
        .filter(report=report)
        .select_related("written_by", "checked_by")
        .order_by("created_at")
    )


def shares_of(user: User, version: SanitisedVersion) -> list[IntelligenceShare]:
    """The dissemination log of a version, for the function only."""
    if not grades_for(user, version.function_agency_id):
        return []
    return list(version.shares.select_related("agency", "sharing_agreement", "shared_by"))


def share_targets(version: SanitisedVersion) -> list[Agency]:
    """Agencies a version may still be shared with: active, not excluded by its handling
    conditions, not shared with already, and with an agreement in force with the function
    (or the function's own agency)."""
    from nestguard.access.selectors import partner_agency_ids

    function = version.function_agency
    allowed = partner_agency_ids(function) | {function.pk}
    excluded = set(version.report.excluded_agencies.values_list("pk", flat=True))
    done = set(version.shares.values_list("agency_id", flat=True))
    return list(
        Agency.objects.filter(active=True, pk__in=allowed - excluded - done).order_by("name")
    )
