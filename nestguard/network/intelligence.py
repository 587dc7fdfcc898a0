"""Links from partner intelligence (decisions 0097 and 0098): a released sanitised version
links to the people, addresses, phones and vehicles it names, carrying its 3x5x2 grade.

Only sanitised versions give links, never the original reports: what a partner may learn of
intelligence is what the grader released, and a link is visible exactly when the version
is (the intelligence function's officers, and the agencies it was shared with, decision 0099).
Phone numbers and VRMs become `Phone` and `Vehicle` entities, found or recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nestguard.intelligence.models import SanitisedSubject, SanitisedVersion, VersionStatus
from nestguard.network.registry import (
    EntityKind,
    LinkSpec,
    Ref,
    Source,
    register_kind,
    register_source,
)
from nestguard.network.services.objects import phone_record, vehicle_record

register_kind(
    EntityKind("intelligence", SanitisedVersion, lambda v: v.reference, "intelligence:version")
)


def grade_of(version: SanitisedVersion) -> str:
    """The 3x5x2 evaluation as the network shows it: source and assessment, e.g. "2B"."""
    return f"{version.source_evaluation}{version.intelligence_assessment}"


def _ends(subject: SanitisedSubject) -> Ref | None:
    if subject.person_id:
        return Ref("person", subject.person_id)
    if subject.address_id:
        return Ref("address", subject.address_id)
    if subject.phone:
        return Ref("phone", phone_record(actor=None, number=subject.phone).pk)
    if subject.vrm:
        return Ref("vehicle", vehicle_record(actor=None, vrm=subject.vrm).pk)
    return None  # free text, or a person or address described but not known


def intelligence_links(version: SanitisedVersion) -> Iterable[LinkSpec]:
    if version.status != VersionStatus.RELEASED:
        return
    here = Ref("intelligence", version.pk)
    grade = grade_of(version)
    for subject in version.subjects.all():
        end = _ends(subject)
        if end is not None:
            yield LinkSpec(here, end, version.observed_on, subject.kind, grade)


def _version_of(subject: Any) -> Any:
    return subject.version


register_source(
    Source(
        "intelligence",
        SanitisedVersion,
        intelligence_links,
        lambda: SanitisedVersion.objects.filter(status=VersionStatus.RELEASED).prefetch_related(
            "subjects"
        ),
        triggers={SanitisedVersion: lambda v: v, SanitisedSubject: _version_of},
    )
)
