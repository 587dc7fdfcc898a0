"""Reads of the pathways. Every query starts from the access selectors: a record the user may
not see answers 404, exactly as one that does not exist."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import Case
from nestguard.core.calendar import UK
from nestguard.directory.models import Service
from nestguard.pathways import policy
from nestguard.pathways.access_policy import (
    visible_missing_episodes,
    visible_onward_referrals,
)
from nestguard.pathways.models import (
    MissingEpisode,
    NrmReferral,
    OnwardReferral,
    ReturnInterview,
)
from nestguard.people.models import Person

# ---------------------------------------------------------------------------------------------
# Missing episodes


def return_interview_of(episode: MissingEpisode) -> ReturnInterview | None:
    return ReturnInterview.objects.filter(episode=episode).first()


def person_episodes(user: Any, person: Person) -> list[MissingEpisode]:
    return list(
        visible_missing_episodes(user)
        .filter(person=person)
        .select_related("return_interview", "found_address")
        .order_by("-started_at")
    )


def cases_naming(user: Any, person: Person) -> QuerySet[Case]:
    """The visible cases this person is named on (to link an episode or referral to)."""
    return (
        Case.objects.filter(case_visible(user, "pk"), subjects__person=person)
        .distinct()
        .order_by("-opened_at")
    )


@dataclass(frozen=True)
class RhiClock:
    due_at: Any
    closed: bool
    within: bool | None  # completed within the rule, when completed

    def overdue(self, now: Any = None) -> bool:
        return bool(self.due_at and not self.closed and self.due_at < (now or timezone.now()))


def rhi_clock(episode: MissingEpisode, interview: ReturnInterview | None) -> RhiClock:
    hours = policy.rhi_hours()
    due = episode.rhi_due_at(hours)
    outcomes = policy.codes("rhi_outcomes")
    closed = bool(interview and outcomes.get(interview.outcome).get("closes_clock"))
    within = None
    if interview and interview.completed_at and due:
        within = interview.completed_at <= due
    return RhiClock(due_at=due, closed=closed, within=within)


# ---------------------------------------------------------------------------------------------
# Reports (aggregates only: counts, no names)


def age_bands(*, children_only: bool = False) -> tuple[tuple[str, int, int], ...]:
    """(label, lowest age, highest age) of the missing-episode age bands, as data
    (`data/missing_age_bands.json`: the St Helens review's five bands for children, and one
    for adults)."""
    return tuple(
        (band.label, int(band["low"]), int(band["high"]))
        for band in policy.codes("missing_age_bands").codes
        if band["child"] or not children_only
    )


def age_band(age: int | None) -> str:
    if age is None:
        return "Not known"
    for label, low, high in age_bands():
        if low <= age <= high:
            return label
    return "Not known"


@dataclass
class MissingReport:
    start: date
    end: date
    episodes: int = 0
    individuals: int = 0
    by_age: list[tuple[str, int, int]] = field(default_factory=list)  # band, episodes, people
    by_care: list[tuple[str, int, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_risk: list[tuple[str, int]] = field(default_factory=list)
    # (label, episodes) for each harm kind, then "Not recorded" (decision in issue 16 point 7).
    harm: list[tuple[str, int]] = field(default_factory=list)
    in_care_share: int = 0  # per cent of episodes
    rhi_offered: int = 0
    rhi_completed_within: int = 0
    returned: int = 0


def missing_report(start: date, end: date, episodes: QuerySet[MissingEpisode]) -> MissingReport:
    """Episodes (of those the report may count, `door.counted`) that started between two
    dates, counted partnership-wide, as St Helens counts them: episodes and individuals, by age
    band and care status, and harm during episodes. True counts: the `missing_episodes`
    report (nestguard/reporting) suppresses them on the way out.

    A fixed number of grouped queries whatever the number of episodes."""
    # UK local dates as instants (UK midnight to UK midnight): the `started_at` index serves
    # them, where `started_at__date` is a function of every row (in Python, on SQLite).
    rows = episodes.filter(
        started_at__gte=datetime.combine(start, time.min, tzinfo=UK),
        started_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=UK),
    )
    report = MissingReport(start=start, end=end)
    grouped = list(rows.values("age_at_start", "care_status", "person_id").annotate(n=Count("id")))
    report.episodes = sum(g["n"] for g in grouped)
    report.individuals = len({g["person_id"] for g in grouped})
    ages: Counter[str] = Counter()
    age_people: dict[str, set[Any]] = {}
    care: Counter[str] = Counter()
    care_people: dict[str, set[Any]] = {}
    for g in grouped:
        band = age_band(g["age_at_start"])
        ages[band] += g["n"]
        age_people.setdefault(band, set()).add(g["person_id"])
        care[g["care_status"]] += g["n"]
        care_people.setdefault(g["care_status"], set()).add(g["person_id"])
    bands = [label for label, _, _ in age_bands()] + ["Not known"]
    report.by_age = [(b, ages[b], len(age_people.get(b, ()))) for b in bands if ages[b]]
    statuses = policy.codes("care_statuses")
    report.by_care = [
        (c.label, care[c.code], len(care_people.get(c.code, ()))) for c in statuses.codes
    ]
    in_care = sum(care[c.code] for c in statuses.codes if c.get("in_care"))
    report.in_care_share = round(100 * in_care / report.episodes) if report.episodes else 0
    by_category = dict(rows.values_list("category").annotate(n=Count("id")))
    report.by_category = [
        (c.label, by_category.get(c.code, 0)) for c in policy.codes("missing_categories").codes
    ]
    by_risk = dict(rows.values_list("risk_grade").annotate(n=Count("id")))
    report.by_risk = [
        (c.label, by_risk.get(c.code, 0)) for c in policy.codes("missing_risk_grades").codes
    ]
    report.harm = harm_counts(rows)
    report.returned = rows.filter(returned_at__isnull=False).count()
    interviews = ReturnInterview.objects.filter(episode__in=rows)
    report.rhi_offered = interviews.count()
    hours = policy.rhi_hours()
    report.rhi_completed_within = interviews.filter(
        completed_at__isnull=False,
        completed_at__lte=ExpressionWrapper(
            F("episode__returned_at") + timedelta(hours=hours), output_field=DateTimeField()
        ),
    ).count()
    return report


def harm_counts(rows: QuerySet[Any]) -> list[tuple[str, int]]:
    """Episodes by each harm kind (one episode may count under several) and those with none
    recorded: one GROUP BY on the stored lists, spread over the kinds here."""
    by_kind: dict[str, int] = {}
    unrecorded = 0
    for kinds, n in rows.order_by().values_list("harm").annotate(n=Count("id")):
        if not kinds:
            unrecorded += n
        for kind in kinds or []:
            by_kind[kind] = by_kind.get(kind, 0) + n
    listed = [(c.label, by_kind.get(c.code, 0)) for c in policy.codes("harm_kinds").codes]
    return [*listed, ("Not recorded (still missing, or not asked)", unrecorded)]


# ---------------------------------------------------------------------------------------------
# NRM and Duty to Notify


@dataclass(frozen=True)
class NrmStanding:
    """Where one NRM referral stands, for the case page and the due view."""

    referral: NrmReferral
    stage_label: str
    rg_overdue: bool
    in_recovery: bool
    recovery_ended: bool

    @property
    def overdue_text(self) -> str:
        if self.rg_overdue:
            return f"Reasonable grounds decision overdue: due {self.referral.rg_due_on:%-d %B %Y}"
        return ""


def nrm_standing(referral: NrmReferral, today: date | None = None) -> NrmStanding:
    today = today or timezone.localdate()
    waiting_rg = referral.stage_key in ("referred", "reconsideration_requested:rg")
    in_recovery = referral.stage == "recovery_period"
    return NrmStanding(
        referral=referral,
        stage_label=policy.codes("nrm_stages").label(referral.stage),
        rg_overdue=waiting_rg and referral.rg_due_on < today,
        in_recovery=in_recovery
        and bool(referral.recovery_ends_on)
        and referral.recovery_ends_on >= today,  # type: ignore[operator]
        recovery_ended=in_recovery
        and bool(referral.recovery_ends_on)
        and referral.recovery_ends_on < today,  # type: ignore[operator]
    )


@dataclass
class CaseSection:
    episodes: list[tuple[MissingEpisode, ReturnInterview | None]]
    nrm: list[NrmStanding]
    onward: list[OnwardReferral]


CASE_SECTION_ROWS = 20


def case_section(case: Case) -> CaseSection:
    """The pathways of a case the caller has already loaded through `visible_cases`: whoever
    sees a case sees its episodes, NRM referrals and onward referrals (the visible_* selectors
    above say so), so these read by case. Three queries, whatever the number of rows."""
    today = timezone.localdate()
    episodes = list(
        MissingEpisode.objects.filter(case=case)
        .select_related("person")
        .annotate(
            rhi_outcome=F("return_interview__outcome"),
            rhi_completed=F("return_interview__completed_at"),
        )
        .order_by("-started_at")[:CASE_SECTION_ROWS]
    )
    referrals = NrmReferral.objects.filter(case=case).select_related("person")
    return CaseSection(
        episodes=[(episode, _interview_stub(episode)) for episode in episodes],
        nrm=[nrm_standing(r, today) for r in referrals.order_by("-referred_on")],
        onward=list(
            OnwardReferral.objects.filter(case=case)
            .select_related("person")
            .annotate(
                service_name=Subquery(
                    Service.objects.filter(code=OuterRef("service")).values("name")[:1]
                )
            )
            .order_by("-sent_on")[:CASE_SECTION_ROWS]
        ),
    )


def _interview_stub(episode: Any) -> ReturnInterview | None:
    """The interview's outcome and completion, read with the episode (for its clock)."""
    if not episode.rhi_outcome:
        return None
    return ReturnInterview(
        episode=episode, outcome=episode.rhi_outcome, completed_at=episode.rhi_completed
    )


# ---------------------------------------------------------------------------------------------
# Onward referrals


def case_onward_referrals(user: Any, case: Case) -> list[OnwardReferral]:
    return list(visible_onward_referrals(user).filter(case=case).select_related("person")[:50])
