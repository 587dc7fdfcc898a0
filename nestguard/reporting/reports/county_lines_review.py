"""The county lines review, in the shape of the St Helens scrutiny review (shared seed 004,
paragraphs 2.37 and 3.17): children's missing episodes and the individuals behind them by
five age bands, the share in care and harm during episodes; the triage (MASH) list of
children by risk band and by sex; children at risk of sexual and of criminal exploitation.

Counts only: no table lists people. Every count is a true count, from `door.counted`;
totals and percentages come from `counts_table`; the outputs suppress (decision 0089).

What each table counts:
- missing episodes of children (aged under 18 at the episode's start) that started in the
  period, recorded by the agency asked for; the ward filter does not apply to them (an
  episode has no address);
- individuals: the children behind those episodes, each once, in the band of their age at
  their first episode in the period;
- the triage list: children (under 18 at the end of the period) named as a victim or person
  at risk on a case open at the end of the period, each once, with the highest risk band of
  their open cases, by their recorded sex (equality monitoring, decision 0091);
- CSE and CCE: cases opened in the period with that concern, and the distinct children at
  risk they name;
- placements: children in a placement in force on any day of the period, by its type, and
  those of them placed out of borough; education: children with an education status in force
  on any day of the period, by status (exclusions, part-time timetables, NEET). Each child
  once in a row, perhaps in several rows; recorded by the agency asked for; the ward filter
  does not apply (decision 0110).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from nestguard.access.door import counted
from nestguard.childhood.models import (
    EducationStatus,
    Placement,
    education_statuses,
    placement_types,
)
from nestguard.childhood.selectors import in_period
from nestguard.pathways import policy as pathways_policy
from nestguard.pathways.models import MissingEpisode
from nestguard.pathways.selectors import age_bands, harm_counts
from nestguard.people import equality
from nestguard.reporting import case_daily, daily, measures
from nestguard.reporting.registry import Report, ReportRequest, ReportSpec, register_report
from nestguard.reporting.tables import Table, counts_table

AGE_NOT_KNOWN = "Age not known"
ADULT = 18
RISK_ORDER = {code: rank for rank, (code, _) in enumerate(measures.RISK_BANDS)}
EXPLOITATION = (
    ("cse", "Child sexual exploitation (CSE)"),
    ("cce", "Child criminal exploitation (CCE)"),
)


def band_of(age: int | None) -> str:
    if age is None:
        return AGE_NOT_KNOWN
    for label, low, high in age_bands(children_only=True):
        if low <= age <= high:
            return label
    return AGE_NOT_KNOWN  # not reached for children


def band_labels() -> list[str]:
    return [label for label, _, _ in age_bands(children_only=True)] + [AGE_NOT_KNOWN]


# ---------------------------------------------------------------------------------------------
# Missing episodes


def episodes(request: ReportRequest) -> QuerySet[MissingEpisode]:
    """Children's missing episodes that started in the period (age not known counts: a
    child's episode whose age was not taken is still a child's; adults' never do)."""
    start, end = measures.period_bounds(request)
    rows = counted(request.user, MissingEpisode).filter(started_at__gte=start, started_at__lt=end)
    rows = rows.exclude(age_at_start__gte=ADULT)
    if request.agency_id:
        rows = rows.filter(recording_agency_id=request.agency_id)
    return rows


def episodes_by_age(request: ReportRequest) -> Table:
    counts: Counter[str] = Counter()
    grouped = episodes(request).order_by().values_list("age_at_start").annotate(n=Count("pk"))
    for age, n in grouped:
        counts[band_of(age)] += n
    return counts_table(
        "missing_episodes_by_age",
        "Children's missing episodes by age at the start of the episode",
        "Age band",
        [(label, [counts[label]]) for label in band_labels()],
        counts=("Episodes",),
        percent=True,
    )


def _first_episodes(request: ReportRequest) -> dict[Any, tuple[Any, int | None]]:
    """Each child's first episode in the period: person -> (its start, age at its start)."""
    first: dict[Any, tuple[Any, int | None]] = {}
    rows = episodes(request).order_by().values_list("person_id", "started_at", "age_at_start")
    for person, started, age in rows.iterator(chunk_size=2000):
        if person not in first or started < first[person][0]:
            first[person] = (started, age)
    return first


def individuals_by_age(request: ReportRequest) -> Table:
    counts = Counter(band_of(age) for _, age in _first_episodes(request).values())
    return counts_table(
        "missing_individuals_by_age",
        "Children who went missing, by age at their first episode in the period",
        "Age band",
        [(label, [counts[label]]) for label in band_labels()],
        counts=("Children",),
        percent=True,
        notes=["Each child is counted once, in the band of their age at their first episode."],
    )


def episodes_by_care(request: ReportRequest) -> Table:
    grouped = dict(episodes(request).order_by().values_list("care_status").annotate(n=Count("pk")))
    statuses = pathways_policy.codes("care_statuses")
    rows = [(c.label, [grouped.pop(c.code, 0)]) for c in statuses.codes]
    if grouped:
        rows.append(("Other care status", [sum(grouped.values())]))
    return counts_table(
        "missing_episodes_by_care",
        "Children's missing episodes by care status at the start of the episode",
        "Care status",
        rows,
        counts=("Episodes",),
        percent=True,
        notes=["Looked after: in the care of a local authority (Children Act 1989 s.22)."],
    )


def children_in_care(request: ReportRequest) -> int:
    """Children with at least one episode in the period while looked after."""
    looked_after = [
        c.code for c in pathways_policy.codes("care_statuses").codes if c.get("in_care")
    ]
    return (
        episodes(request)
        .filter(care_status__in=looked_after)
        .order_by()
        .values("person_id")
        .distinct()
        .count()
    )


def harm_during_episodes(request: ReportRequest) -> Table:
    """What happened during children's missing episodes, by the coded kinds of harm that the
    St Helens review counted (physical harm, sexual offence, crime, self-harm)."""
    rows = [(label, [n]) for label, n in harm_counts(episodes(request))]
    return counts_table(
        "harm_during_episodes",
        "Harm during children's missing episodes",
        "Harm",
        rows,
        counts=("Episodes",),
        total_row=False,
        notes=[
            "One episode may count under several kinds of harm, so the rows do not add up "
            "to the episodes."
        ],
    )


# ---------------------------------------------------------------------------------------------
# The triage list by risk band and sex; CSE and CCE


def is_child(born: date | None, estimate: int | None, on: date) -> bool:
    if born is not None:
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day)) < ADULT
    return estimate is not None and estimate < ADULT


def _children_at_risk(cases: QuerySet[Any], on: date) -> Iterable[tuple[Any, str, str]]:
    """(person, risk band, sex) for each child named at risk on the cases."""
    rows = (
        cases.order_by()
        .filter(subjects__role__in=measures.AT_RISK_ROLES)
        .values_list(
            "subjects__person_id",
            "risk_band",
            "subjects__person__sex",
            "subjects__person__date_of_birth",
            "subjects__person__age_estimate",
        )
        .distinct()
    )
    for person, band, sex, born, estimate in rows.iterator(chunk_size=2000):
        if is_child(born, estimate, on):
            yield person, band or "", sex or ""


def triage_list_by_risk_and_sex(request: ReportRequest) -> Table:
    highest: dict[Any, tuple[str, str]] = {}
    for person, band, sex in _children_at_risk(measures.cases_open_at_end(request), request.end):
        band = band if band in RISK_ORDER else ""
        if person not in highest or RISK_ORDER[band] < RISK_ORDER[highest[person][0]]:
            highest[person] = (band, sex)
    columns = equality.sex_columns()
    recorded = {code for code, _ in columns if code}
    # A code no longer in the list counts as not recorded.
    counts = Counter((band, sex if sex in recorded else "") for band, sex in highest.values())
    rows = [
        (label, [counts[(band, code)] for code, _ in columns])
        for band, label in measures.RISK_BANDS
    ]
    return counts_table(
        "triage_list_by_risk_and_sex",
        "Children at risk on open cases by risk band and sex (the MASH list)",
        "Risk band",
        rows,
        counts=[heading for _, heading in columns],
        total_column=True,
        notes=[
            "Children (under 18 at the end of the period) named as a victim or person at risk "
            "on a case open at the end of the period; each child once, in the highest band of "
            "their open cases.",
            "Sex as recorded for equality monitoring; never used to assess risk.",
        ],
    )


def _exploitation_counts(request: ReportRequest, code: str) -> tuple[int, int]:
    """(cases opened in the period with the concern, distinct children at risk they name).
    Unfiltered, from the days' case counts and people (decision 0133), each person's age at
    the end of the period read from them now."""
    if daily.usable(request):
        opened = case_daily.period_sums(request, "concern").get(code, 0)
        people = (
            case_daily.people(request, code)
            .values_list("person_id", "person__date_of_birth", "person__age_estimate")
            .distinct()
        )
        children = {p for p, born, estimate in people if is_child(born, estimate, request.end)}
        return opened, len(children)
    with_concern = measures.cases_opened(request).filter(case_daily.concern(code))
    children = {p for p, _, _ in _children_at_risk(with_concern, request.end)}
    return with_concern.count(), len(children)


def exploitation_victims(request: ReportRequest) -> Table:
    rows = [(label, list(_exploitation_counts(request, code))) for code, label in EXPLOITATION]
    return counts_table(
        "cse_cce_victims",
        "Children at risk of sexual and of criminal exploitation",
        "Concern",
        rows,
        counts=("Cases opened", "Children at risk named"),
        notes=[
            "Cases opened in the period with the concern type, and the distinct children "
            "named on them as a victim or person at risk.",
            "A case may carry both concerns, so a case or child may count in both rows.",
        ],
    )


# ---------------------------------------------------------------------------------------------
# Placements and education (issue 16 point 5)


def _in_period(request: ReportRequest, model: Any) -> QuerySet[Any]:
    rows = in_period(counted(request.user, model), request.start, request.end)
    if request.agency_id:
        rows = rows.filter(recording_agency_id=request.agency_id)
    return rows


def placements_by_type(request: ReportRequest) -> Table:
    children: dict[str, set[Any]] = {}
    away: dict[str, set[Any]] = {}
    for placement in _in_period(request, Placement).order_by().iterator(chunk_size=2000):
        children.setdefault(placement.placement_type, set()).add(placement.person_id)
        if placement.out_of_borough:
            away.setdefault(placement.placement_type, set()).add(placement.person_id)
    rows = [
        (c.label, [len(children.get(c.code, ())), len(away.get(c.code, ()))])
        for c in placement_types().codes
    ]
    return counts_table(
        "children_placed_by_type",
        "Children in placements, by type of placement, and those placed out of borough",
        "Type of placement",
        rows,
        counts=("Children", "Placed out of borough"),
        total_row=False,
        notes=[
            "Children in a placement on any day of the period; each child once in a row, in "
            "several rows if they moved between types.",
            "Out of borough: placed outside the placing authority's area (worked out from the "
            "two authorities where both are known, as recorded otherwise).",
        ],
    )


def education_by_status(request: ReportRequest) -> Table:
    grouped: dict[str, set[Any]] = {}
    rows_in = _in_period(request, EducationStatus).order_by().values_list("status", "person_id")
    for status, person in rows_in.iterator(chunk_size=2000):
        grouped.setdefault(status, set()).add(person)
    rows = [(c.label, [len(grouped.get(c.code, ()))]) for c in education_statuses().codes]
    return counts_table(
        "children_by_education_status",
        "Children by education status: exclusions, part-time timetables, NEET",
        "Education status",
        rows,
        counts=("Children",),
        total_row=False,
        notes=[
            "Children with the status on any day of the period; each child once in a row, in "
            "several rows if their education changed."
        ],
    )


# ---------------------------------------------------------------------------------------------


def build(request: ReportRequest) -> Report:
    tables = (
        episodes_by_age(request),
        individuals_by_age(request),
        episodes_by_care(request),
        harm_during_episodes(request),
        triage_list_by_risk_and_sex(request),
        exploitation_victims(request),
        placements_by_type(request),
        education_by_status(request),
    )
    by_name = {table.name: table for table in tables}
    figures: dict[str, Any] = {
        "missing_episodes": by_name["missing_episodes_by_age"].rows[-1][1],
        "missing_individuals": by_name["missing_individuals_by_age"].rows[-1][1],
        "missing_individuals_in_care": children_in_care(request),
        "children_on_triage_list": by_name["triage_list_by_risk_and_sex"].rows[-1][-1],
    }
    return Report(
        name=SPEC.name,
        title=SPEC.title,
        start=request.start,
        end=request.end,
        tables=tables,
        figures=figures,
        notes=(
            "Missing episodes are not filtered by ward: an episode carries no address.",
            "Placements and education are not filtered by ward.",
        ),
    )


SPEC = register_report(
    ReportSpec(
        name="county_lines_review",
        title="County lines review",
        build=build,
        description=(
            "Children's missing episodes and individuals by age band, in care and harmed; the "
            "triage list by risk band and sex; CSE and CCE; children placed out of borough and "
            "in unregulated homes; exclusions, part-time timetables and NEET (the St Helens "
            "review's shape)."
        ),
    )
)
