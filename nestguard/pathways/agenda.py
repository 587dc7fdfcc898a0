"""The `repeat_missing` agenda source: people with repeat missing episodes for the panel.

The rule is data (`data/missing_rules.json`: by default three episodes in 90 days, children
only); a meeting type's agenda rule may pass its own `episodes`, `window_days` and
`children_only`. The window is the `window_days` calendar days ending on the agenda date
(`as_of`) inclusive, counted on the UK date each episode started. Only people in the asking
panel's `scope` (subjects of cases its member agencies may see) are counted, and only a case
in scope is named.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Max

from nestguard.access import door
from nestguard.cases.models import Case
from nestguard.core.agenda import AgendaCandidate, AgendaScope, register_agenda_source
from nestguard.core.calendar import UK
from nestguard.pathways.models import MissingEpisode
from nestguard.pathways.policy import RepeatRule
from nestguard.people.models import Person

SOURCE = "repeat_missing"


def window(as_of: date, days: int) -> tuple[datetime, datetime]:
    """From the start of the first UK day of the window to the start of the day after as_of."""
    start = datetime.combine(as_of - timedelta(days=days - 1), time.min, tzinfo=UK)
    end = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UK)
    return start, end


def repeat_missing_people(
    as_of: date, rule: RepeatRule, scope: AgendaScope
) -> list[tuple[Any, int, Any]]:
    """(person id, episodes in the window, last episode's start) for those at the threshold,
    among the people the panel's `scope` holds (their episodes, through the door)."""
    start, end = window(as_of, rule.window_days)
    episodes = door.for_panel(scope, MissingEpisode).filter(
        started_at__gte=start, started_at__lt=end
    )
    if rule.children_only:
        episodes = episodes.filter(age_at_start__lt=18)
    rows = (
        episodes.values("person_id")
        .annotate(n=Count("id"), last=Max("started_at"))
        .filter(n__gte=rule.episodes)
        .order_by("-n", "-last")
    )
    return [(row["person_id"], row["n"], row["last"]) for row in rows]


def _repeat_missing(
    *, as_of: date, params: Mapping[str, Any], scope: AgendaScope
) -> Iterator[AgendaCandidate]:
    rule = RepeatRule.default().with_params(params)
    found = repeat_missing_people(as_of, rule, scope)
    people = door.for_panel(scope, Person).in_bulk([person_id for person_id, _, _ in found])
    # The case of each person's latest episode, where the episode was linked to one in scope.
    latest_case = dict(
        door.for_panel(scope, MissingEpisode)
        .filter(person_id__in=people, case__in=door.for_panel(scope, Case).values("pk"))
        .order_by("person_id", "started_at")
        .values_list("person_id", "case_id")
    )
    for person_id, count, last in found:
        person = people[person_id]
        yield AgendaCandidate(
            source=SOURCE,
            title=f"{person.display_name}: {count} missing episodes in {rule.window_days} days",
            reason=(
                f"{count} missing episodes in the {rule.window_days} days to {as_of:%-d %B %Y} "
                f"(the rule: {rule.episodes} or more); the latest started "
                f"{last.astimezone(UK):%-d %B %Y}"
            ),
            case_id=latest_case.get(person_id),
            person_id=person_id,
            key=f"person:{person_id}",
        )


register_agenda_source(SOURCE, "Children with repeat missing episodes", _repeat_missing)
