"""Reads for the case pages and API. Every query starts from `visible_cases(user)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nestguard.access import door
from nestguard.access.rules import CASE_ROLES
from nestguard.access.selectors import partner_agency_ids
from nestguard.accounts.models import Agency, User
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import (
    Case,
    CaseAddress,
    CaseStatus,
    CaseSubject,
    CaseTeamAgency,
    CaseTeamUser,
    ChronologyEntry,
    Intervention,
)
from nestguard.core.keyset import Key
from nestguard.people.models import Person
from nestguard.referrals.models import subject_roles
from nestguard.risk.models import RiskAssessment

ACTIVE = "active"  # the list's default: open and monitoring
# The list's order, for keyset pages (decision 0081): the soonest review first (none set
# last), then the newest; served by the `case_list_order_idx` index.
CASE_LIST_KEYS = (
    Key("next_review_on", nulls_last=True),
    Key("opened_at", descending=True),
    Key("pk"),
)


@dataclass(frozen=True)
class CaseFilters:
    status: str = ACTIVE
    risk_band: str = ""
    concern: str = ""
    mine: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "risk_band": self.risk_band,
            "concern": self.concern,
            "mine": self.mine,
        }


def case_list(user: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The user's visible cases for a list, whole rows (the API's): the soonest review first,
    then the newest."""
    return (
        _listed(user, filters)
        .select_related("lead_agency", "lead_worker", "lead_worker__agency")
        .prefetch_related(_listed_subjects(CaseSubject.objects.select_related("person")))
    )


# What a row of the list page shows, and the keys it is paged by: a page reads these columns
# only, so that fewer values are converted and smaller models built for its 50 rows (decision
# 0144). A column the page comes to show must be added here, or each row reads it again: the
# query-plan guard (tests/test_query_plans.py) counts the page's queries.
CASE_LIST_PAGE_COLUMNS = (
    "reference", "status", "risk_band", "risk_score", "next_review_on", "opened_at",
    "lead_agency__name",
    "lead_worker__first_name", "lead_worker__last_name", "lead_worker__username",
)  # fmt: skip
SUBJECT_LIST_PAGE_COLUMNS = ("case", "role", "person__given_name", "person__family_name")


def case_list_page(user: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """As `case_list`, with only the columns the list page shows."""
    subjects = CaseSubject.objects.select_related("person").only(*SUBJECT_LIST_PAGE_COLUMNS)
    return (
        _listed(user, filters)
        .select_related("lead_agency", "lead_worker")
        .only(*CASE_LIST_PAGE_COLUMNS)
        .prefetch_related(_listed_subjects(subjects))
    )


def _listed_subjects(subjects: QuerySet[CaseSubject]) -> Prefetch[Any]:
    """A listed case's people, by name (the person breaks a tie of names)."""
    return Prefetch(
        "subjects",
        queryset=subjects.order_by(
            "person__family_name", "person__given_name", "person_id", "role"
        ),
    )


def _listed(user: Any, filters: CaseFilters | None) -> QuerySet[Case]:
    """The visible cases the filters keep, in the list's order."""
    filters = filters or CaseFilters()
    cases = visible_cases(user)
    if filters.status == ACTIVE:
        cases = cases.filter(status__in=[CaseStatus.OPEN, CaseStatus.MONITORING])
    elif filters.status in CaseStatus.values:
        cases = cases.filter(status=filters.status)
    if filters.risk_band == "none":
        cases = cases.filter(risk_band="")
    elif filters.risk_band:
        cases = cases.filter(risk_band=filters.risk_band)
    if filters.concern:
        # JSON containment is not on SQLite; the codes are short and quoted, so match the text.
        cases = cases.filter(concern_types__icontains=f'"{filters.concern}"')
    if filters.mine:
        on_team = Exists(CaseTeamUser.objects.filter(case=OuterRef("pk"), user=user))
        cases = cases.filter(Q(lead_worker=user) | Q(on_team))
    return cases.order_by(F("next_review_on").asc(nulls_last=True), "-opened_at", "pk")


@dataclass
class SubjectRow:
    person: Person
    roles: list[str] = field(default_factory=list)

    @property
    def role_labels(self) -> list[str]:
        return [subject_roles().label(r) for r in self.roles]


def subject_rows(case: Case) -> list[SubjectRow]:
    """Each person once, with all their roles in this case (victim and suspect at once)."""
    rows: dict[Any, SubjectRow] = {}
    for subject in case.subjects.all():
        row = rows.setdefault(subject.person_id, SubjectRow(subject.person))
        row.roles.append(subject.role)
    return list(rows.values())


@dataclass
class CaseDetail:
    case: Case
    subjects: list[SubjectRow]
    addresses: list[CaseAddress]
    team_users: list[CaseTeamUser]
    team_agencies: list[CaseTeamAgency]
    interventions: list[Intervention]
    assessments: list[RiskAssessment]
    chronology: list[ChronologyEntry]

    @property
    def latest_assessment(self) -> RiskAssessment | None:
        return self.assessments[0] if self.assessments else None


CHRONOLOGY_SHOWN = 500


def case_detail(user: Any, case: Case) -> CaseDetail:
    """All one case shows (the case itself loaded through the door)."""
    subjects = (
        CaseSubject.objects.filter(case=case)
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "person_id", "role")
    )
    case._prefetched_objects_cache = {"subjects": subjects}  # type: ignore[attr-defined]
    return CaseDetail(
        case=case,
        subjects=subject_rows(case),
        addresses=list(
            CaseAddress.objects.filter(case=case).select_related("address").order_by("created_at")
        ),
        team_users=list(
            CaseTeamUser.objects.filter(case=case)
            .select_related("user", "user__agency")
            .order_by("user__last_name", "user__first_name")
        ),
        team_agencies=list(
            CaseTeamAgency.objects.filter(case=case).select_related("agency").order_by("agency")
        ),
        interventions=list(
            Intervention.objects.filter(case=case)
            .select_related("owner", "owner_agency")
            .order_by("starts_on", "created_at")
        ),
        assessments=list(
            RiskAssessment.objects.filter(case=case)
            .select_related("assessed_by", "person")
            .order_by("-assessed_at")
        ),
        chronology=list(case_chronology(user, case)[:CHRONOLOGY_SHOWN]),
    )


def case_chronology(user: Any, case: Case) -> QuerySet[ChronologyEntry]:
    """The entries of a case the user already sees, as far as their handling restrictions
    let the user read them (the chronology policy, through the door); newest first."""
    return (
        door.visible(user, ChronologyEntry)
        .filter(case=case)
        .select_related("author")
        .order_by("-occurred_at", "-created_at")
    )


def get_chronology_entry(user: Any, case: Case, pk: Any, *, purpose: str) -> ChronologyEntry:
    """One entry the user may read, of a case they see (loaded through the door); 404
    otherwise."""
    entry = door.load(user, ChronologyEntry, pk, purpose=purpose)
    if entry.case_id != case.pk:
        raise Http404
    return entry


def get_case_intervention(case: Case, pk: Any) -> Intervention:
    return get_object_or_404(
        Intervention.objects.select_related("owner", "owner_agency", "case"), case=case, pk=pk
    )


def get_team_user(case: Case, user_pk: Any) -> CaseTeamUser:
    return get_object_or_404(
        CaseTeamUser.objects.select_related("user", "user__agency"), case=case, user=user_pk
    )


def get_team_agency(case: Case, agency_pk: Any) -> CaseTeamAgency:
    return get_object_or_404(
        CaseTeamAgency.objects.select_related("agency"), case=case, agency=agency_pk
    )


def case_agency_ids(case: Case) -> set[Any]:
    ids = {case.lead_agency_id}
    ids.update(CaseTeamAgency.objects.filter(case=case).values_list("agency_id", flat=True))
    return ids


def _case_workers() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, role_grants__role__in=CASE_ROLES)
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def intervention_owner_choices(case: Case) -> QuerySet[User]:
    """Users who may own an intervention: of the lead or a team agency, or on the team."""
    team_user_ids = CaseTeamUser.objects.filter(case=case).values("user_id")
    return (
        User.objects.filter(is_active=True, agency__isnull=False)
        .filter(Q(agency_id__in=case_agency_ids(case)) | Q(pk__in=team_user_ids))
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def team_user_choices(case: Case) -> QuerySet[User]:
    """Caseworkers and supervisors of the lead agency and of its partners under agreement,
    not already on the team."""
    agencies = {case.lead_agency_id} | partner_agency_ids(case.lead_agency)
    on_team = CaseTeamUser.objects.filter(case=case).values("user_id")
    return _case_workers().filter(agency_id__in=agencies).exclude(pk__in=on_team)


def team_agency_choices(case: Case) -> QuerySet[Agency]:
    """Active partner agencies under an agreement with the lead agency, not on the team."""
    on_team = CaseTeamAgency.objects.filter(case=case).values("agency_id")
    return (
        Agency.objects.filter(pk__in=partner_agency_ids(case.lead_agency), active=True)
        .exclude(pk__in=on_team)
        .order_by("name")
    )


def agencies_without_agreement(case: Case) -> QuerySet[Agency]:
    """Active agencies that cannot join: shown so the page can say why they are not offered."""
    allowed = partner_agency_ids(case.lead_agency) | {case.lead_agency_id}
    return Agency.objects.filter(active=True).exclude(pk__in=allowed).order_by("name")


def lead_worker_choices(case: Case) -> QuerySet[User]:
    agencies = {case.lead_agency_id} | partner_agency_ids(case.lead_agency)
    return _case_workers().filter(agency_id__in=agencies)


def user_by_username(username: str) -> User | None:
    return User.objects.select_related("agency").filter(username=username).first()


def review_overdue(case: Case, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(
        case.next_review_on and case.next_review_on < today and case.status != CaseStatus.CLOSED
    )
