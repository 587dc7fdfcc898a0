"""The network is reached from the person and address pages (shown to those whose roles open
the network: today everyone who may read these pages works cases)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from nestguard.access import door
from nestguard.cases.services.interventions import intervention_add
from nestguard.network.models import Link

pytestmark = pytest.mark.django_db


def test_person_and_address_pages_link_to_their_network(net) -> None:  # type: ignore[no-untyped-def]
    owner = net.personas.owner
    person_page = sign_in(Client(), owner).get(reverse("people:detail", args=[net.person.pk]))
    network = reverse("network:entity", args=["person", net.person.pk])
    assert network in person_page.content.decode()
    assert sign_in(Client(), owner).get(network).status_code == 200
    address_page = sign_in(Client(), owner).get(reverse("places:detail", args=[net.address.pk]))
    assert reverse("network:entity", args=["address", net.address.pk]) in (
        address_page.content.decode()
    )


def test_an_arrest_is_an_event_on_its_case(net) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 point 3's arrests: recorded as an intervention of type "arrest" on a case,
    drawn as an event linked to the case (and through it to the case's people), for those
    who may see the case."""
    owner = net.personas.owner
    arrest = intervention_add(
        actor=owner, case=net.case, type="arrest", owner=owner, starts_on=timezone.localdate()
    )
    links = Link.objects.filter(source_kind="arrest", source_id=arrest.pk)
    assert [(link.a_kind, link.b_kind, link.b_id) for link in links] == [
        ("arrest", "case", net.case.pk)
    ]
    seen = door.visible(owner, Link, purpose="network").filter(source_kind="arrest")
    assert seen.count() == 1
    assert not door.visible(net.personas.outsider, Link, purpose="network").filter(
        source_kind="arrest"
    )
    page = sign_in(Client(), owner).get(reverse("network:entity", args=["person", net.person.pk]))
    assert f"Arrest on {arrest.starts_on:%-d %B %Y}" in page.content.decode()
