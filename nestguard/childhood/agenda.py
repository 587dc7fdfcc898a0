"""MACEMM agenda sources (see `nestguard.core.agenda`), within the asking panel's scope:

- `children_placed_away`: children in a placement on the agenda date that is out of borough
  or of a type the code list marks for the agenda (unregulated, supported accommodation);
- `children_out_of_school`: children with an education status on the agenda date that the
  code list marks (excluded, part-time timetable, missing education, NEET);
- `transitions_due`: children on a case in scope turning 18 within `within_months` (rules
  data, 6 by default) of the agenda date, or already 18, with no transition plan.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from nestguard.access import door
from nestguard.cases.models import Case
from nestguard.childhood import policy
from nestguard.childhood.models import EducationStatus, Placement, education_statuses
from nestguard.childhood.models import placement_types as placement_type_list
from nestguard.childhood.selectors import current, transitions
from nestguard.core.agenda import AgendaCandidate, AgendaScope, register_agenda_source


def _flagged(codes: Any) -> list[str]:
    return [c.code for c in codes.codes if c.get("agenda")]


def children_placed_away(
    *, as_of: date, params: Mapping[str, Any], scope: AgendaScope
) -> Iterator[AgendaCandidate]:
    flagged = set(_flagged(placement_type_list()))
    seen: set[Any] = set()
    placements = (
        current(door.for_panel(scope, Placement), as_of)
        .select_related("person")
        .order_by("starts_on", "pk")
    )
    for placement in placements:
        away = placement.out_of_borough
        if placement.person_id in seen or not (away or placement.placement_type in flagged):
            continue
        seen.add(placement.person_id)
        where = "out of borough" if away else "in borough"
        yield AgendaCandidate(
            source="children_placed_away",
            title=f"{placement.person.display_name}: {placement.type_label.lower()}, {where}",
            reason=(
                f"Placed by {placement.placing_authority} since "
                f"{placement.starts_on:%-d %B %Y}"
                + (f" in {placement.located_authority}" if placement.located_authority else "")
            ),
            person_id=placement.person_id,
            key=f"placement:{placement.person_id}",
        )


def children_out_of_school(
    *, as_of: date, params: Mapping[str, Any], scope: AgendaScope
) -> Iterator[AgendaCandidate]:
    records = (
        current(door.for_panel(scope, EducationStatus), as_of)
        .filter(status__in=_flagged(education_statuses()))
        .select_related("person")
        .order_by("starts_on", "pk")
    )
    seen: set[Any] = set()
    for record in records:
        if record.person_id in seen:
            continue
        seen.add(record.person_id)
        yield AgendaCandidate(
            source="children_out_of_school",
            title=f"{record.person.display_name}: {record.status_label.lower()}",
            reason=f"Since {record.starts_on:%-d %B %Y}"
            + (f" ({record.provider})" if record.provider else ""),
            person_id=record.person_id,
            key=f"education:{record.person_id}",
        )


def transitions_due(
    *, as_of: date, params: Mapping[str, Any], scope: AgendaScope
) -> Iterator[AgendaCandidate]:
    within = params.get("within_months", policy.rule("agenda_within_months"))
    if not isinstance(within, int) or isinstance(within, bool) or not 0 <= within <= 12:
        raise ValueError("within_months must be a whole number from 0 to 12")
    ahead = within - (policy.rule("adult_at_months") - policy.rule("alert_from_months"))
    found = transitions(
        door.for_panel(scope, Case),
        as_of,
        ahead_months=ahead,
        people=scope.person_ids,
    )
    for due in found:
        named = ", ".join(a.name for a in due.adult_agencies) or "no adult service named yet"
        yield AgendaCandidate(
            source="transitions_due",
            title=f"{due.person.display_name}: turns 18 on {due.adult_on:%-d %B %Y}",
            reason=f"No transition plan recorded on {due.case.reference}; adult services: {named}",
            case_id=due.case.pk,
            person_id=due.person.pk,
            key=f"transition:{due.case.pk}:{due.person.pk}",
        )


register_agenda_source(
    "children_placed_away", "Children placed away or unregulated", children_placed_away
)
register_agenda_source("children_out_of_school", "Children out of school", children_out_of_school)
register_agenda_source("transitions_due", "Children becoming adults", transitions_due)
