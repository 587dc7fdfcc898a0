"""The network pages: the network of an entity (chart and tables), a link by hand, the
deal-line page and the victim tracker. HTTP only: reads through the door and the selectors."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from nestguard.access import door
from nestguard.access.rules import access_rule, roles, signed_in_user
from nestguard.core.pages import form_acted, posted
from nestguard.network import selectors, tracker
from nestguard.network.forms import START_KINDS, FilterForm, HandLinkForm
from nestguard.network.models import Line, Link
from nestguard.network.registry import Ref, kinds
from nestguard.network.rules import NETWORK_ROLES
from nestguard.network.services.links import link_add_by_hand
from nestguard.network.services.objects import (
    line_record,
    phone_mark_line,
    phone_record,
    vehicle_record,
)

NETWORK = roles(*NETWORK_ROLES)


def _start(user: Any, kind: str, pk: Any) -> Any:
    """The start entity, or 404 for a kind that is not a start and for hidden and missing alike;
    the read is audited by the door with the `network` purpose."""
    if kind not in START_KINDS:
        raise Http404
    return door.load(user, kinds()[kind].model, pk, purpose="network")


@access_rule(NETWORK)
def home(request: HttpRequest) -> HttpResponse:
    """Where the network starts: the lines the viewer may see, and the victim tracker."""
    user = signed_in_user(request)
    lines = list(door.visible(user, Line).order_by("name")[:200])
    query = request.GET.get("q", "").strip()[:40]
    if query:
        found = selectors.find_object(user, query)
        door.record_search(
            user, "network.search", purpose="network", terms={"q": query}, found=int(bool(found))
        )
        if found is not None:
            return redirect(reverse("network:entity", args=[found[0], found[1]]))
    return render(request, "network/home.html", {"lines": lines, "query": query})


@access_rule(NETWORK)
def entity(request: HttpRequest, kind: str, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    record = _start(user, kind, pk)
    start = Ref(kind, record.pk)
    bound = FilterForm(request.GET or None)
    filters = bound.filters()
    steps = bound.steps_value()
    links = filters.apply(door.visible(user, Link), kind)
    graph = selectors.measure(selectors.label(selectors.neighbourhood(links, start, steps=steps)))
    nodes = graph.node_list()
    targets = [(str(n.id), f"{n.label} ({selectors.kind_label(n.kind)})") for n in nodes[1:]]
    form = FilterForm(request.GET or None, targets=targets)
    path = None
    wanted = request.GET.get("to", "")
    if wanted and form.is_valid() and form.cleaned_data.get("to"):
        path = selectors.shortest_path(graph, record.pk, nodes_by_str(graph)[wanted])
    door.record_list(
        user, Link, graph.links, purpose="network", details={"start": f"{kind}:{record.pk}"}
    )
    central = sorted(nodes, key=lambda n: (-n.betweenness, -n.degree, n.label))[:10]
    return render(
        request,
        "network/entity.html",
        {
            "record": record,
            "kind": kind,
            "kind_label": selectors.kind_label(kind),
            "label": graph.nodes[record.pk].label,
            "graph": graph,
            "nodes": nodes,
            "rows": link_rows(graph),
            "elements": selectors.as_elements(graph),
            "form": form,
            "steps": steps,
            "path": path,
            "path_asked": bool(wanted),
            "central": central,
            "may_add": kind in START_KINDS,
        },
    )


def nodes_by_str(graph: selectors.Graph) -> dict[str, Any]:
    return {str(pk): pk for pk in graph.nodes}


def link_rows(graph: selectors.Graph) -> list[dict[str, Any]]:
    grades = selectors.code_list_grades()
    return [
        {
            "a": graph.nodes[link.a_id],
            "b": graph.nodes[link.b_id],
            "role": link.role.replace("_", " "),
            "source": selectors.source_label(link.source_kind),
            "on": link.on,
            "grade": grades.get(link.grade, link.grade),
        }
        for link in sorted(graph.links, key=lambda link: (link.on, link.pk))
    ]


@access_rule(NETWORK)
def link_add(request: HttpRequest, kind: str, pk: Any) -> HttpResponse:
    """Tie the entity to a phone, a vehicle or a line by hand (a phone to a line with "deal
    line of" marks the number as the line's deal line)."""
    user = signed_in_user(request)
    record = _start(user, kind, pk)
    form = HandLinkForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda data: _add(user, Ref(kind, record.pk), record, data),
        done="Link added",
        then=reverse("network:entity", args=[kind, record.pk]),
        rename={"b": "number", "a": "number", "name": "line_name"},
    )
    if acted is not None:
        return acted
    label = kinds()[kind].label(record)
    return render(
        request,
        "network/link_form.html",
        {"form": form, "record": record, "kind": kind, "label": label},
    )


def _add(user: Any, start: Ref, record: Any, data: dict[str, Any]) -> None:
    """A phone and a line tied as "deal line of" mark the number as the line's deal line."""
    if data["number"].strip() and start.kind == "line" and data["role"] == "deal_line":
        phone_mark_line(
            actor=user,
            number=data["number"],
            line_name=record.name,
            note=data["note"],
            grade=data["grade"],
        )
        return
    if data["line_name"].strip() and start.kind == "phone" and data["role"] == "deal_line":
        phone_mark_line(
            actor=user,
            number=record.number,
            line_name=data["line_name"],
            origin_area=data["origin_area"],
            note=data["note"],
            grade=data["grade"],
        )
        return
    if data["number"].strip():
        other = Ref("phone", phone_record(actor=user, number=data["number"]).pk)
    elif data["vrm"].strip():
        other = Ref("vehicle", vehicle_record(actor=user, vrm=data["vrm"]).pk)
    else:
        line = line_record(actor=user, name=data["line_name"], origin_area=data["origin_area"])
        other = Ref("line", line.pk)
    link_add_by_hand(
        actor=user,
        a=start,
        b=other,
        role=data["role"],
        note=data["note"],
        on=data["on"],
        grade=data["grade"],
    )


@access_rule(NETWORK)
def line(request: HttpRequest, pk: Any) -> HttpResponse:
    """A deal line: its numbers seen across records, first and last seen, the people and
    addresses linked, its origin area."""
    user = signed_in_user(request)
    record = door.load(user, Line, pk, purpose="network")
    profile = tracker.line_profile(user, record)
    return render(request, "network/line.html", {"line": record, "profile": profile})


@access_rule(NETWORK)
def victims(request: HttpRequest) -> HttpResponse:
    """The county lines victim tracker."""
    user = signed_in_user(request)
    rows = tracker.victims(user)
    door.record_search(
        user, "network.victims", purpose="network", terms={"page": "victims"}, found=len(rows)
    )
    return render(request, "network/victims.html", {"rows": rows, "today": timezone.localdate()})
