"""Reads of the network, starting from the door: the neighbourhood of an entity to two or
three steps over the links the viewer may see, its labels, and its measures (networkx)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from nestguard.network.models import Link
from nestguard.network.registry import Ref, kinds

MAX_NODES = 500
# Betweenness on a sample of sources past this size (networkx's k), so that a 500-node page
# stays quick; the figures say when they are estimated.
EXACT_BETWEENNESS = 200
SAMPLE = 64


@dataclass(frozen=True)
class Filters:
    since: date | None = None
    until: date | None = None
    grades: tuple[str, ...] = ()  # empty: every grade
    kinds: tuple[str, ...] = ()  # empty: every kind

    def apply(self, links: QuerySet[Link], start_kind: str) -> QuerySet[Link]:
        if self.since:
            links = links.filter(on__gte=self.since)
        if self.until:
            links = links.filter(on__lte=self.until)
        if self.grades:
            links = links.filter(grade__in=self.grades)
        if self.kinds:
            allowed = {*self.kinds, start_kind}
            links = links.filter(a_kind__in=allowed, b_kind__in=allowed)
        return links


@dataclass
class Node:
    kind: str
    id: uuid.UUID
    step: int
    label: str = ""
    url: str = ""
    degree: int = 0
    degree_centrality: float = 0.0
    betweenness: float = 0.0
    component: int = 0


@dataclass
class Graph:
    start: Ref
    nodes: dict[uuid.UUID, Node] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    truncated: bool = False
    components: int = 0
    estimated: bool = False

    def node_list(self) -> list[Node]:
        return sorted(self.nodes.values(), key=lambda n: (n.step, n.kind, n.label))


_FIELDS = (
    "id",
    "a_kind",
    "a_id",
    "b_kind",
    "b_id",
    "role",
    "source_kind",
    "source_id",
    "on",
    "grade",
)


class _Visible:
    """The viewer's link filter (the door's visibility, with the page's filters) compiled to
    SQL once for a whole neighbourhood. Compiling the door's nested querysets costs about 9 ms
    of Python each time; a two-step neighbourhood asks two or more times (decision 0098)."""

    def __init__(self, links: QuerySet[Link]):
        self.empty = False
        self.connection = connections[links.db]
        query = links.query
        try:
            where, params = query.get_compiler(links.db).compile(query.where)
        except EmptyResultSet:
            self.empty, where, params = True, "", []
        except FullResultSet:  # every link (no filter at all)
            where, params = "", []
        self.where, self.params = where or "1 = 1", list(params)
        self.table = self.connection.ops.quote_name(Link._meta.db_table)
        self.columns = ", ".join(
            f"{self.table}.{self.connection.ops.quote_name(f)}" for f in _FIELDS
        )
        self.uuid = Link._meta.get_field("a_id")

    def touching(self, ids: list[uuid.UUID]) -> list[Link]:
        if self.empty or not ids:
            return []
        keys = [self.uuid.get_db_prep_value(pk, self.connection) for pk in ids]
        marks = ", ".join(["%s"] * len(keys))
        # The door's own compiled WHERE, the model's quoted names, every value a parameter.
        sql = (
            f"SELECT {self.columns} FROM {self.table} WHERE ({self.where}) AND "  # noqa: S608
            f"({self.table}.a_id IN ({marks}) OR {self.table}.b_id IN ({marks}))"
        )
        return list(Link.objects.raw(sql, [*self.params, *keys, *keys]))


def _touching(visible: _Visible, ids: list[uuid.UUID]) -> list[Link]:
    """The links touching any of `ids`: one query a step, both ends (an index each, which both
    databases combine: SQLite's multi-index OR, PostgreSQL's BitmapOr)."""
    found: dict[int, Link] = {}
    for start in range(0, len(ids), 400):
        for link in visible.touching(ids[start : start + 400]):
            found[link.pk] = link
    return list(found.values())


def neighbourhood(
    links: QuerySet[Link], start: Ref, *, steps: int = 2, max_nodes: int = MAX_NODES
) -> Graph:
    """The entities within `steps` links of `start` over `links` (already the viewer's, and
    filtered), at most `max_nodes` of them, nearest first."""
    graph = Graph(start=start)
    graph.nodes[start.id] = Node(start.kind, start.id, 0)
    frontier = [start.id]
    kept: dict[int, Link] = {}
    visible = _Visible(links)
    for step in range(1, steps + 1):
        if not frontier:
            break
        found = sorted(_touching(visible, frontier), key=lambda link: (link.on, link.pk))
        next_frontier: list[uuid.UUID] = []
        for link in found:
            for kind, pk in ((link.a_kind, link.a_id), (link.b_kind, link.b_id)):
                if pk not in graph.nodes:
                    if len(graph.nodes) >= max_nodes:
                        graph.truncated = True
                        continue
                    graph.nodes[pk] = Node(kind, pk, step)
                    next_frontier.append(pk)
            if link.a_id in graph.nodes and link.b_id in graph.nodes:
                kept[link.pk] = link
        frontier = next_frontier
    graph.links = list(kept.values())
    return graph


def label(graph: Graph) -> Graph:
    """Each node's label and page, one query per kind drawn."""
    by_kind: dict[str, list[uuid.UUID]] = defaultdict(list)
    for node in graph.nodes.values():
        by_kind[node.kind].append(node.id)
    registered = kinds()
    for kind, ids in by_kind.items():
        entity = registered.get(kind)
        if entity is None:
            continue
        for record in entity.model._default_manager.filter(pk__in=ids):
            node = graph.nodes[record.pk]
            node.label = entity.label(record)
            node.url = _url(kind, record.pk)
    for node in graph.nodes.values():
        node.label = node.label or f"{kind_label(node.kind)} (not recorded)"
    return graph


def _url(kind: str, pk: Any) -> str:
    if kind in ("person", "address", "phone", "vehicle", "line"):
        return reverse("network:entity", args=[kind, pk])
    entity = kinds().get(kind)
    if entity and entity.url_name:
        try:
            return reverse(entity.url_name, args=[pk])
        except NoReverseMatch:
            return ""
    return ""


def kind_label(kind: str) -> str:
    from nestguard.core.codes import code_list

    return code_list("network", "entity_kinds").label(kind)


def to_networkx(graph: Graph) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(graph.nodes)
    g.add_edges_from((link.a_id, link.b_id) for link in graph.links)
    return g


def measure(graph: Graph) -> Graph:
    """Connected components, degree and betweenness centrality (networkx)."""
    g = to_networkx(graph)
    if not len(g):
        return graph
    degree = nx.degree_centrality(g)
    sample = None if len(g) <= EXACT_BETWEENNESS else SAMPLE
    graph.estimated = sample is not None
    between = nx.betweenness_centrality(g, k=sample, seed=12 if sample else None)
    components = sorted(nx.connected_components(g), key=len, reverse=True)
    graph.components = len(components)
    for index, members in enumerate(components, start=1):
        for pk in members:
            graph.nodes[pk].component = index
    for pk, node in graph.nodes.items():
        node.degree = g.degree(pk)
        node.degree_centrality = degree.get(pk, 0.0)
        node.betweenness = between.get(pk, 0.0)
    return graph


def shortest_path(graph: Graph, source: uuid.UUID, target: uuid.UUID) -> list[Node] | None:
    """The shortest path between two drawn entities, or None when they are not connected."""
    g = to_networkx(graph)
    try:
        path = nx.shortest_path(g, source, target)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None
    return [graph.nodes[pk] for pk in path]


def as_elements(graph: Graph) -> list[dict[str, Any]]:
    """The graph for Cytoscape.js (nodes, then edges), labels and pages only."""
    elements: list[dict[str, Any]] = [
        {
            "data": {
                "id": str(node.id),
                "label": node.label,
                "kind": node.kind,
                "url": node.url,
                "start": node.step == 0,
            }
        }
        for node in graph.nodes.values()
    ]
    elements.extend(
        {
            "data": {
                "id": f"l{link.pk}",
                "source": str(link.a_id),
                "target": str(link.b_id),
                "label": link.role,
            }
        }
        for link in graph.links
    )
    return elements


def code_list_grades() -> dict[str, str]:
    from nestguard.core.codes import code_list

    return dict(code_list("network", "grades").choices)


SOURCE_LABELS = {
    "referral": "Referral",
    "case": "Case",
    "missing": "Missing episode",
    "enforcement": "Enforcement step",
    "person_address": "Person's tie to an address",
    "hand": "Entered by hand",
    "intelligence": "Intelligence share",
}


def source_label(kind: str) -> str:
    return SOURCE_LABELS.get(kind, kind.replace("_", " ").capitalize())


def find_object(user: Any, query: str) -> tuple[str, uuid.UUID] | None:
    """A phone (by any form of its number) or a vehicle (by its VRM) the user may see."""
    from django.core.exceptions import ValidationError

    from nestguard.access import door
    from nestguard.network import phones
    from nestguard.network.models import Phone, Vehicle

    try:
        number = phones.e164(query)
    except ValidationError:
        number = ""
    if number:
        phone = door.visible(user, Phone).filter(number=number).first()
        if phone is not None:
            return ("phone", phone.pk)
    try:
        mark = phones.vrm(query)
    except ValidationError:
        return None
    vehicle = door.visible(user, Vehicle).filter(vrm=mark).first()
    return ("vehicle", vehicle.pk) if vehicle is not None else None
