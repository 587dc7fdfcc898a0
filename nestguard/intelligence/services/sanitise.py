"""Sanitised versions: written by the grader, checked by a second officer where the
partnership says so, then shared with agencies, each share recording the agreement and
lawful basis relied on (decision 0097)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.accounts.models import Agency, User
from nestguard.audit.disclosure import disclosure_basis
from nestguard.audit.services import audit_record
from nestguard.core.forms import clean_text
from nestguard.core.models import next_reference
from nestguard.intelligence import policy
from nestguard.intelligence.models import (
    IntelligenceReport,
    IntelligenceShare,
    ReportStatus,
    SanitisedSubject,
    SanitisedVersion,
    VersionStatus,
)
from nestguard.intelligence.services.subjects import as_fields

TEXT_LIMIT = 5000


def sanitised_version_write(
    *,
    actor: User,
    report: IntelligenceReport,
    text: str,
    keep_subjects: Sequence[Any] = (),
) -> SanitisedVersion:
    """The grader's sanitised text, keeping the report's subjects named in `keep_subjects`
    (ids), with the report's grade. Released at once when the partnership asks no second
    check; otherwise it waits for one."""
    if not policy.grades_for(actor, report.function_agency_id):
        raise PermissionDenied("Only the intelligence function sanitises its reports")
    if report.status != ReportStatus.GRADED:
        raise ValidationError({"__all__": "Grade the report before sanitising it"})
    try:
        cleaned = clean_text(text or "", label="The sanitised text")
    except ValidationError as exc:
        raise ValidationError({"text": exc.messages}) from None
    if not cleaned:
        raise ValidationError({"text": "Enter the sanitised text"})
    if len(cleaned) > TEXT_LIMIT:
        raise ValidationError(
            {"text": f"The sanitised text must be {TEXT_LIMIT} characters or fewer"}
        )
    refuse_if_restricted(actor=actor, record=report)
    wanted = {str(pk) for pk in keep_subjects}
    subjects = [
        s for s in report.subjects.select_related("person", "address") if str(s.pk) in wanted
    ]
    if len(subjects) != len(wanted):
        raise ValidationError({"keep_subjects": "Choose only subjects of this report"})
    second_check = policy.intelligence_function().second_check
    now = timezone.now()
    with transaction.atomic():
        version = SanitisedVersion.objects.create(
            reference=next_reference("sanitised", "SAN"),
            report=report,
            function_agency_id=report.function_agency_id,
            text=cleaned,
            status=VersionStatus.AWAITING_CHECK if second_check else VersionStatus.RELEASED,
            source_evaluation=report.source_evaluation,
            intelligence_assessment=report.intelligence_assessment,
            handling_code=report.handling_code,
            handling_conditions=report.handling_conditions,
            observed_on=report.observed_on,
            written_by=actor,
            released_at=None if second_check else now,
        )
        SanitisedSubject.objects.bulk_create(
            SanitisedSubject(version=version, position=s.position, **as_fields(s)) for s in subjects
        )
        audit_record(
            actor=actor,
            action="sanitised.write",
            obj=version,
            purpose="intelligence",
            details={"report": report.reference, "subjects_kept": len(subjects),
                     "second_check": second_check},
        )  # fmt: skip
    return version


def sanitised_version_check(
    *, actor: User, version: SanitisedVersion, passed: bool, note: str = ""
) -> SanitisedVersion:
    """A second intelligence officer (never the writer) confirms the text identifies no
    source, releasing it to be shared; or returns it (it is then never shared, and the
    grader writes another)."""
    if not policy.grades_for(actor, version.function_agency_id):
        raise PermissionDenied("Only the intelligence function checks sanitised versions")
    if actor.pk == version.written_by_id:
        raise ValidationError({"__all__": "A second person must check it: you wrote it"})
    try:
        reason = clean_text(note or "", label="The note")
    except ValidationError as exc:
        raise ValidationError({"note": exc.messages}) from None
    if not passed and not reason:
        raise ValidationError({"note": "Say what still identifies the source or must change"})
    with transaction.atomic():
        locked = SanitisedVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != VersionStatus.AWAITING_CHECK:
            raise ValidationError({"__all__": "This version is not waiting for a check"})
        now = timezone.now()
        locked.checked_by = actor
        locked.checked_at = now
        if passed:
            locked.status = VersionStatus.RELEASED
            locked.released_at = now
        else:
            locked.status = VersionStatus.DRAFT
        locked.save()
        audit_record(
            actor=actor,
            action="sanitised.check" if passed else "sanitised.return",
            obj=locked,
            purpose="intelligence",
            details={"note": reason} if reason else {},
        )
    return locked


def sanitised_version_share(
    *, actor: User, version: SanitisedVersion, agency: Agency
) -> IntelligenceShare:
    """Share a released version with an agency: only under a sharing agreement in force
    between it and the function (or within the function's own agency), never with an agency
    the handling code's conditions exclude. The share records the agreement and lawful
    basis, and so does its audit event."""
    if not policy.grades_for(actor, version.function_agency_id):
        raise PermissionDenied("Only the intelligence function shares its sanitised versions")
    if version.status != VersionStatus.RELEASED:
        raise ValidationError({"__all__": "Only a checked, released version is shared"})
    if not agency.active:
        raise ValidationError({"agency": "Choose an active agency"})
    if version.report.excluded_agencies.filter(pk=agency.pk).exists():
        raise ValidationError(
            {"agency": f"The handling conditions exclude {agency}: it may not be shared there"}
        )
    basis = disclosure_basis(holders=[version.function_agency], recipient=agency)
    same = agency.pk == version.function_agency_id
    if not same and basis.sharing_agreement is None:
        raise ValidationError({"agency": f"No sharing agreement in force covers {agency}"})
    with transaction.atomic():
        if IntelligenceShare.objects.filter(version=version, agency=agency).exists():
            raise ValidationError({"agency": f"Already shared with {agency}"})
        share = IntelligenceShare.objects.create(
            version=version,
            agency=agency,
            shared_by=actor,
            sharing_agreement=basis.sharing_agreement,
            lawful_basis=basis.lawful_basis,
        )
        audit_record(
            actor=actor,
            action="sanitised.share",
            obj=version,
            purpose="intelligence",
            basis=basis,
            details={"to": str(agency), "grade": version.grade,
                     "handling_conditions": version.handling_conditions},
        )  # fmt: skip
    return share
