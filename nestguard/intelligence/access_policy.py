"""Who reads partner intelligence (decision 0097). Registered with the door from
`IntelligenceConfig.ready`; read these only through the door.

- An original report (it names its source): the submitter; their agency's supervisors and
  intelligence officers (the submitter's other colleagues do not: the source may be one of
  them, or known to them); and the intelligence officers of the function that received it.
  Nobody else, on any path: partners never read an original.
- A sanitised version: the intelligence officers of the function that wrote it (drafts,
  checks, shares); and, once released, the caseworkers, supervisors and intelligence officers
  of an agency it was shared with, while that agency has a sharing agreement in force with
  the function (ended or revoked: 404 at once) and is not excluded by the handling code's
  conditions. Everyone else answers 404, exactly as for a version that does not exist.
- The grade: the function's own agency reads it on the original; a submitting partner reads
  only that it was graded, and when (a source's reliability is the function's judgement,
  and telling a submitter "suspected false" could tip off or expose a source).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from nestguard.access import door
from nestguard.access.selectors import partner_agency_ids
from nestguard.accounts.models import Role
from nestguard.audit.disclosure import DisclosureBasis, disclosure_basis
from nestguard.intelligence.models import (
    IntelligenceReport,
    IntelligenceShare,
    ReportStatus,
    SanitisedVersion,
    VersionStatus,
)
from nestguard.intelligence.policy import grades_for, is_intelligence_officer

# Who at a receiving agency reads what was shared with it.
RECEIVING_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.INTELLIGENCE_OFFICER)


def _signed_in(user: Any) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.agency_id and user.agency.active
    )


def visible_reports(user: Any) -> QuerySet[IntelligenceReport]:
    if not _signed_in(user):
        return IntelligenceReport.objects.none()
    own = Q(agency_id=user.agency_id)
    if not user.has_role(Role.SUPERVISOR, Role.INTELLIGENCE_OFFICER):
        own &= Q(submitted_by=user)
    condition = own
    if is_intelligence_officer(user):
        condition |= Q(function_agency_id=user.agency_id)
    return IntelligenceReport.objects.filter(condition)


def visible_versions(user: Any) -> QuerySet[SanitisedVersion]:
    if not _signed_in(user):
        return SanitisedVersion.objects.none()
    condition = Q(pk__in=[])
    if is_intelligence_officer(user):
        condition |= Q(function_agency_id=user.agency_id)
    if user.has_role(*RECEIVING_ROLES):
        # The function itself, or a partner with an agreement in force with it, today.
        functions = {user.agency_id} | partner_agency_ids(user.agency)
        shared = Exists(
            IntelligenceShare.objects.filter(version=OuterRef("pk"), agency_id=user.agency_id)
        )
        excluded = Exists(
            IntelligenceReport.excluded_agencies.through.objects.filter(
                intelligencereport_id=OuterRef("report_id"), agency_id=user.agency_id
            )
        )
        condition |= (
            Q(status=VersionStatus.RELEASED, function_agency_id__in=functions)
            & Q(shared)
            & ~Q(excluded)
        )
    return SanitisedVersion.objects.filter(condition)


def _report_basis(user: Any, report: IntelligenceReport) -> DisclosureBasis:
    return disclosure_basis(holders=[report.agency], recipient=user.agency)


def _version_basis(user: Any, version: SanitisedVersion) -> DisclosureBasis:
    return disclosure_basis(holders=[version.function_agency], recipient=user.agency)


def may_grade(user: Any, report: IntelligenceReport) -> bool:
    return grades_for(user, report.function_agency_id) and report.status == ReportStatus.SUBMITTED


def may_sanitise(user: Any, report: IntelligenceReport) -> bool:
    return grades_for(user, report.function_agency_id) and report.status == ReportStatus.GRADED


def may_see_grade(user: Any, report: IntelligenceReport) -> bool:
    """The function's own agency reads the grade; a submitting partner reads that it was
    graded, and when."""
    return bool(user.agency_id and user.agency_id == report.function_agency_id)


def may_work_version(user: Any, version: SanitisedVersion) -> bool:
    return grades_for(user, version.function_agency_id)


def register() -> None:
    door.register(
        door.Policy(
            IntelligenceReport,
            visible_reports,
            read_event="intelligence.view",
            list_event="intelligence.list",
            related=("agency", "submitted_by", "function_agency", "graded_by"),
            basis=_report_basis,
            actions={"grade": may_grade, "sanitise": may_sanitise, "see_grade": may_see_grade},
        )
    )
    door.register(
        door.Policy(
            SanitisedVersion,
            visible_versions,
            read_event="sanitised.view",
            list_event="sanitised.list",
            related=("function_agency", "written_by", "checked_by"),
            basis=_version_basis,
            actions={"work": may_work_version},
        )
    )
