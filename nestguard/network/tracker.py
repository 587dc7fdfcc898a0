"""The deal-line page and the county lines victim tracker (issue 12 point 5): both read the
links the viewer may see through the door, and the people's cases, risk, missing episodes
and NRM referrals through their own policies."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from nestguard.access import door
from nestguard.cases.models import Case
from nestguard.network.models import Line, Link, Phone
from nestguard.network.registry import Ref, kinds
from nestguard.network.selectors import Graph, Node, kind_label, label, neighbourhood
from nestguard.pathways.models import MissingEpisode, NrmReferral
from nestguard.people.models import Person
from nestguard.risk.models import RiskAssessment

# The roles that make someone a victim on a case or a referral (cases and referrals:
# subject_roles "victim"); "missing" marks a missing episode, not a victim.
VICTIM_ROLES = ("victim",)
LINE_STEPS = 3
MAX_LINES = 100


@dataclass
class Number:
    phone: Phone
    first_seen: date | None
    last_seen: date | None
    deal_line: bool


@dataclass(frozen=True)
class Sighting:
    """A record on which one of the line's numbers was seen (a referral naming it for a
    subject, a released intelligence share ...), as the viewer may see it."""

    number: Phone
    on: date
    source: str  # what kind of record ("Referral")
    record: Node  # the record, labelled, with its page


@dataclass
class LineProfile:
    graph: Graph
    numbers: list[Number]
    people: list[Node]
    addresses: list[Node]
    sightings: list[Sighting] = field(default_factory=list)


def _seen(graph: Graph) -> dict[uuid.UUID, list[date]]:
    seen: dict[uuid.UUID, list[date]] = defaultdict(list)
    for link in graph.links:
        seen[link.a_id].append(link.on)
        seen[link.b_id].append(link.on)
    return seen


def line_profile(user: Any, line: Line) -> LineProfile:
    links = door.visible(user, Link)
    graph = label(neighbourhood(links, Ref("line", line.pk), steps=LINE_STEPS))
    seen = _seen(graph)
    phone_ids = [n.id for n in graph.nodes.values() if n.kind == "phone"]
    phones = door.visible(user, Phone).filter(pk__in=phone_ids).order_by("number")
    numbers = [
        Number(
            phone,
            min(seen[phone.pk], default=None),
            max(seen[phone.pk], default=None),
            phone.line_id == line.pk,
        )
        for phone in phones
    ]
    numbers.sort(key=lambda n: (not n.deal_line, n.first_seen or date.max))
    people = sorted((n for n in graph.nodes.values() if n.kind == "person"), key=lambda n: n.label)
    addresses = _addresses(links, graph, people)
    sightings = _sightings(graph, [n.phone for n in numbers])
    door.record_list(user, Link, graph.links, purpose="network", details={"line": line.name})
    return LineProfile(graph, numbers, people, addresses, sightings)


def _sightings(graph: Graph, phones: list[Phone]) -> list[Sighting]:
    """The records (events with a page of their own) whose links name one of the numbers,
    latest first: the links are the viewer's, so each record is one they may see."""
    by_id = {phone.pk: phone for phone in phones}
    events = kinds()
    found: dict[tuple[uuid.UUID, uuid.UUID], Link] = {}
    for link in graph.links:
        if link.source_kind not in events:
            continue  # a tie by hand or a person's address: no record to show
        for end in (link.a_id, link.b_id):
            if end in by_id:
                found.setdefault((end, link.source_id), link)
    records = Graph(start=graph.start)
    records.nodes = {
        source_id: Node(link.source_kind, source_id, 0) for (_, source_id), link in found.items()
    }
    label(records)
    rows = [
        Sighting(by_id[phone_id], link.on, kind_label(link.source_kind), records.nodes[source_id])
        for (phone_id, source_id), link in found.items()
    ]
    return sorted(rows, key=lambda s: (s.on, s.record.label), reverse=True)


def _addresses(links: Any, graph: Graph, people: list[Node]) -> list[Node]:
    """The addresses in the line's network, and those of its people: tied to them directly, or
    named on a record (a case, a referral ...) that names them."""
    found = {n.id: n for n in graph.nodes.values() if n.kind == "address"}
    ids = [p.id for p in people]
    if ids:
        events = links.filter(b_id__in=ids).exclude(a_kind="person").values("a_id")
        rows = (
            links.filter(b_kind="address")
            .filter(Q(a_id__in=ids) | Q(a_id__in=events))
            .values_list("b_id", flat=True)
        )
        extra = {pk for pk in rows if pk not in found}
        if extra:
            step = 1 + max((p.step for p in people), default=0)
            more = Graph(start=graph.start)
            more.nodes = {pk: Node("address", pk, step) for pk in extra}
            found.update(label(more).nodes)
    return sorted(found.values(), key=lambda n: n.label)


@dataclass
class Victim:
    person: Person
    lines: list[Line] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    band: str = ""
    missing: int = 0
    missing_open: bool = False
    nrm_stage: str = ""
    first_linked: date | None = None

    @property
    def child(self) -> bool:
        return self.person.is_child


def _victim_ids(links: Any, people: set[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Person -> the cases (or referrals) on which they are a victim, among visible links."""
    found: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    rows = links.filter(
        b_id__in=list(people), role__in=VICTIM_ROLES, source_kind__in=("case", "referral")
    ).values_list("b_id", "a_kind", "a_id")
    for person_id, kind, record_id in rows:
        cases = found[person_id]  # a victim on a referral only has no case yet
        if kind == "case":
            cases.add(record_id)
    return found


def victims(user: Any) -> list[Victim]:
    """The people linked (within three steps) to a line the user may see who are victims on a
    case or a referral the user may see: children and adults, with their cases, latest risk
    band, missing episodes and NRM status, as far as the user may see each."""
    links = door.visible(user, Link)
    by_person: dict[uuid.UUID, Victim] = {}
    lines = list(door.visible(user, Line).order_by("name")[:MAX_LINES])
    reach: dict[uuid.UUID, list[tuple[Line, date | None]]] = defaultdict(list)
    for line in lines:
        graph = neighbourhood(links, Ref("line", line.pk), steps=LINE_STEPS)
        seen = _seen(graph)
        for node in graph.nodes.values():
            if node.kind == "person":
                reach[node.id].append((line, min(seen[node.id], default=None)))
    if not reach:
        return []
    victim_cases = _victim_ids(links, set(reach))
    if not victim_cases:
        return []
    people = door.visible(user, Person, purpose="network").filter(pk__in=list(victim_cases))
    for person in people:
        linked = reach[person.pk]
        dates = [d for _, d in linked if d]
        by_person[person.pk] = Victim(
            person, lines=[line for line, _ in linked], first_linked=min(dates, default=None)
        )
    case_ids = {c for pk in by_person for c in victim_cases[pk]}
    cases = {c.pk: c for c in door.visible(user, Case).filter(pk__in=list(case_ids))}
    bands: dict[uuid.UUID, str] = {}
    for assessment in (
        door.visible(user, RiskAssessment).filter(case_id__in=list(cases)).order_by("created_at")
    ):
        bands[assessment.case_id] = assessment.band
    for pk, victim in by_person.items():
        victim.cases = [cases[c] for c in victim_cases[pk] if c in cases]
        victim.band = next((bands[c.pk] for c in victim.cases if c.pk in bands), "")
    for episode in door.visible(user, MissingEpisode).filter(person_id__in=list(by_person)):
        victim = by_person[episode.person_id]
        victim.missing += 1
        victim.missing_open = victim.missing_open or episode.is_open
    for nrm in (
        door.visible(user, NrmReferral)
        .filter(person_id__in=list(by_person))
        .order_by("referred_on")
    ):
        by_person[nrm.person_id].nrm_stage = nrm.stage
    return sorted(by_person.values(), key=lambda v: (not v.child, v.person.display_name))
