"""Who sees what of the network, across agencies and roles (decision 0099): a hidden link is
absent, a hidden start answers 404 as a missing one does, and each read is audited."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from nestguard.access import door
from nestguard.audit.models import AuditEvent
from nestguard.network.models import Line, Link, Phone

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    return sign_in(Client(), user)


def _users(net) -> dict[str, object]:
    p = net.personas
    return {
        "owner": p.owner,  # hub caseworker, leads the case
        "supervisor": p.supervisor,
        "partner": p.partner,  # police caseworker, police on the case team
        "outsider": p.outsider,  # caseworker at an agency with no agreement
        "ended_partner": p.ended_partner,
        "intel": net.intel,  # police intelligence officer, on no case
        "far_intel": net.far_intel,
        "referrer": p.referrer,
        "auditor": p.auditor,
        "admin": p.admin,
        "lone_chair": p.lone_chair,
    }


# person page status, and which link sources each sees around the person
TABLE = {
    "owner": (200, {"case", "referral", "hand"}),
    "supervisor": (200, {"case", "referral", "hand"}),
    "partner": (200, {"case", "referral", "hand"}),  # the case's referral, via the case
    "outsider": (404, set()),
    "ended_partner": (404, set()),
    "intel": (200, {"hand"}),
    "far_intel": (404, set()),
    "referrer": (403, set()),
    "auditor": (403, set()),
    "admin": (403, set()),
    "lone_chair": (403, set()),
}


@pytest.mark.parametrize("name", list(TABLE))
def test_truth_table_of_the_person_network(net, name) -> None:
    user = _users(net)[name]
    status, sources = TABLE[name]
    response = _client(user).get(reverse("network:entity", args=["person", net.person.pk]))
    assert response.status_code == status
    seen = set(door.visible(user, Link).values_list("source_kind", flat=True))
    # Hidden links are absent from the door itself, not only from the page.
    assert {s for s in seen if s in {"case", "referral", "hand"}} == sources
    if status == 200:
        html = response.content.decode()
        assert "07700 900123" in html  # the phone the police tied to the person
        assert (net.case.reference in html) == ("case" in sources)


@pytest.mark.parametrize("name", ["outsider", "far_intel"])
def test_hidden_answers_as_missing(net, name) -> None:
    client = _client(_users(net)[name])
    hidden = client.get(reverse("network:entity", args=["phone", net.phone.pk]))
    missing = client.get(reverse("network:entity", args=["phone", uuid.uuid4()]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert client.get(reverse("network:line", args=[net.line.pk])).status_code == 404


def test_objects_exist_for_a_viewer_only_through_visible_links(net) -> None:
    assert set(door.visible(net.intel, Phone)) == set(Phone.objects.all())
    assert list(door.visible(net.intel, Line)) == [net.line]
    assert not door.visible(net.far_intel, Phone).exists()
    assert not door.visible(net.personas.outsider, Line).exists()
    assert not door.visible(net.personas.referrer, Link).exists()


def test_a_read_is_audited_with_the_network_purpose(net) -> None:
    _client(net.intel).get(reverse("network:entity", args=["person", net.person.pk]))
    view = AuditEvent.objects.get(action="network.view", actor=net.intel)
    assert view.purpose == "network"
    listed = AuditEvent.objects.get(action="network.links_list", actor=net.intel)
    assert listed.purpose == "network"


def test_an_ended_agreement_hides_the_partners_hand_links(net) -> None:
    # The youth justice service's agreement with the hub ended: a hand link the police made
    # is not theirs, and the case they were once on is hidden too.
    assert not door.visible(net.personas.ended_partner, Link).exists()
