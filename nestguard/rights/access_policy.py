"""Who sees the rights app's records, and the restriction of processing the door honours.

- Subject access requests, their items and packs, rectification and objection requests and
  restrictions: data protection officers only (purposes `subject_access`, `data_protection`).
- People: a data protection officer may find any person to log a request about them
  (purpose `data_protection`), a deliberate exception to need-to-know, audited.
- An upheld rectification is shown (purpose `case_work`) to whoever may see the person.
- Restriction of processing (UK GDPR Art. 18, decision 0102): a door restraint hides the
  restricted person, and the records held about them alone (missing episodes, NRM and
  onward referrals, risk assessments, enforcement naming them), from every purpose but those
  `data/restriction_purposes.json` lists from Art. 18(2).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from nestguard.access import door, restricted_writes
from nestguard.accounts.models import Role
from nestguard.audit.models import AuditEvent
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import Case, CaseSubject, ChronologyEntry, Intervention
from nestguard.channel.models import ConsentRecord, PreventReferral
from nestguard.childhood.models import EducationStatus, Placement, TransitionPlan
from nestguard.core.codes import code_list
from nestguard.enforcement.models import EnforcementAction
from nestguard.intelligence.models import IntelligenceReport
from nestguard.linkage.models import Cluster, SourceRecord
from nestguard.pathways.models import MissingEpisode, NrmReferral, OnwardReferral, ReturnInterview
from nestguard.people.access_policy import visible_people
from nestguard.people.models import Person
from nestguard.referrals.models import Referral, ReferralSubject
from nestguard.rights.models import (
    DisclosurePack,
    ProcessingRestriction,
    Redaction,
    RightsDecision,
    RightsRequest,
    RightsRequestKind,
    SarItem,
    SubjectAccessRequest,
)
from nestguard.rights.sources import is_data_protection_officer
from nestguard.risk.models import RiskAssessment


def _dpo_only(model: Any) -> door.Visibility:
    def visible(user: Any) -> QuerySet[Any]:
        manager = model._default_manager
        return manager.all() if is_data_protection_officer(user) else manager.none()

    return visible


def _auditors_only(model: Any) -> door.Visibility:
    def visible(user: Any) -> QuerySet[Any]:
        manager = model._default_manager
        return manager.all() if user.has_role(Role.AUDITOR) else manager.none()

    return visible


def visible_corrections(user: Any) -> QuerySet[RightsRequest]:
    """Upheld rectifications of people the user may see (shown where the person is read)."""
    return RightsRequest.objects.filter(
        kind=RightsRequestKind.RECTIFICATION,
        decision=RightsDecision.UPHELD,
    ).filter(Exists(visible_people(user).filter(pk=OuterRef("person_id"))))


def restrictions_on_visible_cases(user: Any) -> QuerySet[ProcessingRestriction]:
    """Open restrictions on subjects of cases the user may see: the case page says so (the
    person's name is already on the case; the restriction's reasons are not shown)."""
    on_case = CaseSubject.objects.filter(case_visible(user), person_id=OuterRef("person_id"))
    return ProcessingRestriction.objects.filter(lifted_at__isnull=True).filter(Exists(on_case))


@cache
def admitted_purposes() -> frozenset[str]:
    return frozenset(code_list("rights", "restriction_purposes").values)


def _open_restriction(person_field: str) -> Exists:
    return Exists(
        ProcessingRestriction.objects.filter(
            person_id=OuterRef(person_field), lifted_at__isnull=True
        )
    )


def _restraint(person_field: str) -> door.Restraint:
    def restrain(user: Any, purpose: str | None, records: QuerySet[Any]) -> QuerySet[Any]:
        if purpose in admitted_purposes():
            return records
        return records.exclude(_open_restriction(person_field))

    return restrain


RESTRAINED = (
    (Person, "pk"),
    (MissingEpisode, "person_id"),
    (NrmReferral, "person_id"),
    (OnwardReferral, "person_id"),
    (RiskAssessment, "person_id"),
    (EnforcementAction, "person_id"),
)
_RESTRAINTS = {model: _restraint(field) for model, field in RESTRAINED}

# The write side (decision 0111): each record type a service changes, and the ORM paths
# from it to the people it is about. A service calls
# `restricted_writes.refuse_if_restricted(actor=..., record=...)` with one of these; a new
# record type about a person is one line here (a placement: `(Placement, "person_id")`).
RESTRICTED_WRITES: tuple[tuple[type[Any], tuple[str, ...]], ...] = (
    (Person, ("pk",)),
    (Case, ("subjects__person_id",)),
    (ChronologyEntry, ("case__subjects__person_id",)),
    (Intervention, ("case__subjects__person_id",)),
    (Referral, ("subjects__person_id", "case__subjects__person_id")),
    (ReferralSubject, ("person_id",)),
    (MissingEpisode, ("person_id",)),
    (ReturnInterview, ("episode__person_id",)),
    (NrmReferral, ("person_id",)),
    (OnwardReferral, ("person_id",)),
    (RiskAssessment, ("person_id",)),
    (EnforcementAction, ("person_id",)),
    (IntelligenceReport, ("subjects__person_id",)),
    (SourceRecord, ("person_id", "cluster__records__person_id")),
    (Cluster, ("records__person_id",)),
    (PreventReferral, ("person_id",)),
    (ConsentRecord, ("prevent_referral__person_id",)),
    (Placement, ("person_id",)),
    (EducationStatus, ("person_id",)),
    (TransitionPlan, ("person_id",)),
)


def restricted_people(keys: set[str]) -> set[str]:
    """Which of these person keys have an open restriction (one indexed query)."""
    rows = ProcessingRestriction.objects.filter(person_id__in=keys, lifted_at__isnull=True)
    return {str(k) for k in rows.values_list("person_id", flat=True)}


def register() -> None:
    door.register(
        door.Policy(
            SubjectAccessRequest,
            _dpo_only(SubjectAccessRequest),
            read_event="sar.view",
            list_event="sar.list",
            related=("person",),
        )
    )
    # The items are read with their request (whose read is audited).
    door.register(door.Policy(SarItem, _dpo_only(SarItem), read_event=None))
    door.register(door.Policy(Redaction, _dpo_only(Redaction), read_event=None))
    door.register(door.Policy(DisclosurePack, _dpo_only(DisclosurePack), read_event="sar.download"))
    door.register(
        door.Policy(
            RightsRequest,
            _dpo_only(RightsRequest),
            read_event="rights_request.view",
            related=("person",),
            scopes={"case_work": door.Scope(visible_corrections, read_event=None)},
        )
    )
    door.register(
        door.Policy(
            ProcessingRestriction,
            _dpo_only(ProcessingRestriction),
            read_event=None,
            scopes={"case_work": door.Scope(restrictions_on_visible_cases, read_event=None)},
        )
    )
    if "data_protection" not in door.policy_for(Person).scopes:
        door.add_scope(
            Person, "data_protection", door.Scope(_dpo_only(Person), read_event="person.view")
        )
    if "audit" not in door.policy_for(Person).scopes:
        # An auditor opens the report of access to a person named in the audit trail; the
        # report writes its own event (access_report.view), naming the person.
        door.add_scope(Person, "audit", door.Scope(_auditors_only(Person), read_event=None))
    # The report of access to a person's records (issue 15 point 6): auditors read the trail
    # under their own policy (purpose `audit`); a data protection officer under this scope.
    if "data_protection" not in door.policy_for(AuditEvent).scopes:
        door.add_scope(AuditEvent, "data_protection", door.Scope(_dpo_only(AuditEvent), None))
    for model, restraint in _RESTRAINTS.items():
        door.add_restraint(model, restraint)
    restricted_writes.add_restriction_check(restricted_people)
    for model, paths in RESTRICTED_WRITES:
        restricted_writes.add_guarded(model, *paths)
