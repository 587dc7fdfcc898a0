"""The network is reached from the person and address pages (shown to those whose roles open
the network: today everyone who may read these pages works cases)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in

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
