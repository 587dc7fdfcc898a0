"""The network pages: filters, measures, the shortest path, a link by hand, the deal-line
page and the victim tracker, as users meet them."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from nestguard.network import selectors
from nestguard.network.models import Link, Phone
from nestguard.network.registry import Ref
from nestguard.pathways.services.missing import missing_episode_record

pytestmark = pytest.mark.django_db


def _get(user, url: str) -> str:
    response = sign_in(Client(), user).get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _elements(html: str) -> list[dict]:
    match = re.search(r'<script id="network-elements" type="application/json">(.*?)</script>', html)
    assert match
    return json.loads(match.group(1))


def test_the_network_of_a_person_to_two_steps(net) -> None:
    html = _get(net.personas.owner, reverse("network:entity", args=["person", net.person.pk]))
    labels = {e["data"].get("label") for e in _elements(html) if "source" not in e["data"]}
    # person -> case, referral, phone (one step); address, deal line's phone (two steps)
    assert {net.person.display_name, net.case.reference, "07700 900123", "07700 900999"} <= labels
    assert "Dolly" not in labels  # three steps away
    html3 = _get(
        net.personas.owner,
        reverse("network:entity", args=["person", net.person.pk]) + "?steps=3",
    )
    assert "Dolly" in {e["data"].get("label") for e in _elements(html3)}
    assert "network.mjs" in html and "<table" in html


def test_filters_by_kind_grade_and_date(net) -> None:
    url = reverse("network:entity", args=["person", net.person.pk])
    only_phones = _get(net.personas.owner, url + "?kinds=phone")
    labels = {e["data"].get("label") for e in _elements(only_phones)}
    assert net.case.reference not in labels and "07700 900123" in labels
    graded = _get(net.personas.owner, url + "?grades=1B&grades=1A")
    assert net.case.reference not in {e["data"].get("label") for e in _elements(graded)}
    future = timezone.localdate() + timezone.timedelta(days=3)
    later = _get(
        net.personas.owner,
        url + f"?since_day={future.day}&since_month={future.month}&since_year={future.year}",
    )
    assert len(_elements(later)) == 1  # the start alone


def test_measures_and_the_shortest_path(net) -> None:
    deal = Phone.objects.get(number="+447700900999")
    graph = selectors.measure(
        selectors.label(
            selectors.neighbourhood(Link.objects.all(), Ref("person", net.person.pk), steps=3)
        )
    )
    assert graph.components == 1
    phone = graph.nodes[net.phone.pk]
    assert phone.betweenness > 0  # the only way from the person to the line
    path = selectors.shortest_path(graph, net.person.pk, net.line.pk)
    assert [n.id for n in path] == [net.person.pk, net.phone.pk, deal.pk, net.line.pk]
    html = _get(
        net.personas.owner,
        reverse("network:entity", args=["person", net.person.pk]) + f"?steps=3&to={net.line.pk}",
    )
    assert "Shortest path" in html and html.index("07700 900123") < html.index("Dolly")


def test_a_link_by_hand_from_the_page(net) -> None:
    client = sign_in(Client(), net.intel)
    url = reverse("network:link_add", args=["person", net.person.pk])
    bad = client.post(url, {"role": "drives", "note": ""})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "vrm": "ab12 cde", "role": "drives", "grade": "2B", "note": "ANPR",
            "on_day": today.day, "on_month": today.month, "on_year": today.year,
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert Link.objects.filter(source_kind="hand", role="drives", b_kind="vehicle").exists()


def test_the_deal_line_page(net) -> None:
    html = _get(net.personas.partner, reverse("network:line", args=[net.line.pk]))
    assert "Liverpool" in html
    assert "+447700900999" in html and "+447700900123" in html
    assert net.person.display_name in html
    assert "21 Testing Street" in html


def test_the_victim_tracker(net) -> None:
    missing_episode_record(
        actor=net.personas.owner, person=net.person, case=net.case, report_type="missing",
        risk_grade="medium", category="missing_from_home", care_status="not_looked_after",
        started_at=timezone.now() - timezone.timedelta(hours=5),
    )  # fmt: skip
    html = _get(net.personas.owner, reverse("network:victims"))
    assert net.person.display_name in html and net.case.reference in html
    assert "Child" in html and "missing now" in html
    # The police intelligence officer sees the ties, not the case that makes a victim.
    assert net.person.display_name not in _get(net.intel, reverse("network:victims"))


def test_find_a_number_or_a_vehicle(net) -> None:
    client = sign_in(Client(), net.intel)
    found = client.get(reverse("network:home") + "?q=07700+900123")
    assert found.status_code == 302 and str(net.phone.pk) in found["Location"]
    hidden = sign_in(Client(), net.far_intel).get(reverse("network:home") + "?q=07700+900123")
    assert hidden.status_code == 200 and "Nothing you may see matches" in hidden.content.decode()
