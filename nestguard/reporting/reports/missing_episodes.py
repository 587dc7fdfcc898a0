"""The missing episodes report: every missing episode that started in the period, children
and adults, by age band, care status, kind and police risk grade, harm during episodes and
return home interviews. It was a page of its own in pathways that showed counts of 1 to 4;
as a registered report it is suppressed, exported and audited like every other (decision
0089). The county lines review keeps the St Helens shape (children only, five bands).

Counts only; true counts from `pathways.selectors.missing_report` over the episodes the
reader may count (`door.counted`)."""

from __future__ import annotations

from nestguard.access.door import counted
from nestguard.pathways.models import MissingEpisode
from nestguard.pathways.selectors import MissingReport, missing_report
from nestguard.reporting.registry import Report, ReportRequest, ReportSpec, register_report
from nestguard.reporting.tables import Table, counts_table

# One episode may have several kinds of harm (data/harm_kinds.json of pathways).
HARM_NOTE = (
    "One episode may count under several kinds of harm, so the rows do not add up to the episodes."
)

SEVERAL_BANDS = (
    "A person whose episodes fall in more than one band or status is counted once in each, "
    "so the individuals column may add up to more than the individuals in the period."
)


def _tables(counts: MissingReport) -> tuple[Table, ...]:
    return (
        counts_table(
            "missing_by_age",
            "Missing episodes by age band at the start",
            "Age band",
            [(band, (episodes, people)) for band, episodes, people in counts.by_age],
            ("Episodes", "Individuals"),
            notes=(SEVERAL_BANDS,),
        ),
        counts_table(
            "missing_by_care_status",
            "Missing episodes by care status",
            "Care status",
            [(label, (episodes, people)) for label, episodes, people in counts.by_care],
            ("Episodes", "Individuals"),
            notes=(SEVERAL_BANDS,),
        ),
        counts_table(
            "missing_by_kind",
            "Missing episodes by kind of episode",
            "Kind",
            [(label, (n,)) for label, n in counts.by_category],
            ("Episodes",),
        ),
        counts_table(
            "missing_by_risk_grade",
            "Missing episodes by police risk grade",
            "Risk grade",
            [(label, (n,)) for label, n in counts.by_risk],
            ("Episodes",),
        ),
        counts_table(
            "missing_harm",
            "Harm during the episode",
            "Harm",
            [(label, (n,)) for label, n in counts.harm],
            ("Episodes",),
            total_row=False,
            notes=[HARM_NOTE],
        ),
        counts_table(
            "return_interviews",
            "Returns and return home interviews",
            "Stage",
            [
                ("Returned", (counts.returned,)),
                ("Interview offered", (counts.rhi_offered,)),
                ("Interview completed within 72 hours", (counts.rhi_completed_within,)),
            ],
            ("Episodes",),
            total_row=False,
            notes=("Each stage counts a subset of the one above it; they do not add up.",),
        ),
    )


def build(request: ReportRequest) -> Report:
    episodes = counted(request.user, MissingEpisode)
    if request.agency_id:
        episodes = episodes.filter(recording_agency_id=request.agency_id)
    counts = missing_report(request.start, request.end, episodes)
    return Report(
        name=SPEC.name,
        title=SPEC.title,
        start=request.start,
        end=request.end,
        tables=_tables(counts),
        figures={"episodes": counts.episodes, "individuals": counts.individuals},
        links=(("episodes", "missing_by_age", "Total"),),
        notes=("Missing episodes are not filtered by ward: an episode carries no address.",),
    )


SPEC = register_report(
    ReportSpec(
        name="missing_episodes",
        title="Missing episodes",
        build=build,
        description=(
            "Every missing episode that started in the period, children and adults: by age "
            "band, care status, kind and risk grade; harm; return home interviews."
        ),
    )
)
