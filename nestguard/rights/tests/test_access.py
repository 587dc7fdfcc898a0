"""The rights pages for the persona the partnership truth table lacks: the data protection
officer (200 on their pages, 404 for a record that does not exist, as for any record), and
what the door's subject_access and data_protection scopes give others (nothing)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from nestguard.access import door
from nestguard.audit.models import AuditEvent
from nestguard.people.models import Person
from nestguard.rights.services import sar_log
from nestguard.rights.tests.conftest import RightsWorld

pytestmark = [
    pytest.mark.django_db,
]


def test_the_dpo_reaches_their_pages_and_missing_records_answer_404(world: RightsWorld) -> None:
    client = sign_in(Client(), world.dpo)
    sar = sar_log(actor=world.dpo, person=world.victim, received_on=timezone.localdate())
    person = world.victim.pk
    for url in (
        reverse("rights:index"),
        reverse("rights:index") + "?family_name=Subjectson",
        reverse("rights:person", args=[person]),
        reverse("rights:request_new", args=[person]),
        reverse("rights:access_report", args=[person]),
        reverse("rights:sar_detail", args=[sar.pk]),
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        reverse("rights:person", args=[uuid.uuid4()]),
        reverse("rights:sar_detail", args=[uuid.uuid4()]),
        reverse("rights:pack_download", args=[uuid.uuid4(), "pdf"]),
        reverse("rights:request_detail", args=[uuid.uuid4()]),
    ):
        assert client.get(url).status_code == 404, url
    found = client.get(reverse("rights:index"), {"family_name": "Subjectson"}).content.decode()
    assert "Robin Subjectson" in found
    assert AuditEvent.objects.filter(
        action="rights.person_search", actor=world.dpo, details__terms__family_name="Subjectson"
    ).exists(), "the DPO's search for a person is audited with its terms"


@pytest.mark.parametrize("name", ["owner", "supervisor", "partner", "auditor", "admin"])
def test_others_get_nothing_under_the_dpos_purposes(
    world: RightsWorld,
    personas,
    name: str,  # type: ignore[no-untyped-def]
) -> None:
    user = personas.all()[name]
    assert not door.visible(user, Person, purpose="subject_access").exists()
    assert not door.visible(user, Person, purpose="data_protection").exists()
