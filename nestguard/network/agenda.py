"""The `new_line_victims` agenda source (see `nestguard.core.agenda`): people a panel may draw
on who are victims on one of its cases and are linked, within three steps, to a known line,
where the tie is new (its earliest link within `linked_within_days`, default 28, before the
meeting). The links a panel may draw on are the door's `for_panel` for links (decision 0099)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from nestguard.access import door
from nestguard.core.agenda import AgendaCandidate, AgendaScope, register_agenda_source
from nestguard.network.models import Line, Link
from nestguard.network.registry import Ref
from nestguard.network.selectors import neighbourhood
from nestguard.people.models import Person

DEFAULT_DAYS = 28


def new_line_victims(
    *, as_of: date, params: Mapping[str, Any], scope: AgendaScope
) -> Iterator[AgendaCandidate]:
    within = params.get("linked_within_days", DEFAULT_DAYS)
    if not isinstance(within, int) or isinstance(within, bool) or within < 1:
        raise ValueError("linked_within_days must be a positive whole number")
    links = door.for_panel(scope, Link).filter(on__lte=as_of)
    victims = set(
        links.filter(source_kind="case", role="victim", b_kind="person").values_list(
            "b_id", flat=True
        )
    )
    if not victims:
        return
    since = as_of - timedelta(days=within)
    found: dict[Any, tuple[str, date]] = {}
    for line in door.for_panel(scope, Line).order_by("name"):
        graph = neighbourhood(links, Ref("line", line.pk), steps=3)
        for person_id in victims & set(graph.nodes):
            touching = [link.on for link in graph.links if person_id in (link.a_id, link.b_id)]
            first = min(touching, default=None)
            if first and first >= since and person_id not in found:
                found[person_id] = (line.name, first)
    people = door.for_panel(scope, Person).filter(pk__in=list(found))
    for person in sorted(people, key=lambda p: p.display_name):
        name, first = found[person.pk]
        yield AgendaCandidate(
            source="new_line_victims",
            title=f"New victim linked to a known line: {person.display_name}",
            reason=f"Linked to {name} since {first:%-d %B %Y}",
            person_id=person.pk,
            key=f"person:{person.pk}",
        )


register_agenda_source("new_line_victims", "New victims linked to a known line", new_line_victims)
