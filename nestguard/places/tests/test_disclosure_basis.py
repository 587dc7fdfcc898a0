"""A door check discloses only a warning level, the same answer for everyone who may ask: its
audit event records the lawful basis and why no sharing agreement applies (decision 0077)."""

from __future__ import annotations

from typing import Any

import pytest

from nestguard.audit.models import AuditEvent
from nestguard.places.services.doors import door_check_ask
from nestguard.places.tests.conftest import place_marker

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("with_warning", [True, False])
def test_a_door_check_records_its_basis(personas: Any, home: Any, with_warning: bool) -> None:
    if with_warning:
        place_marker(personas.owner, home.address)
    # The outsider's agency shares no agreement with the marker's owner: the answer is the
    # same warning level everyone gets, recorded as such.
    answer = door_check_ask(actor=personas.outsider, query={"uprn": "770000000001"}, via="test")
    event = AuditEvent.objects.filter(action="address.door_check").latest("id")
    assert event.details["level"] == answer.level
    assert (event.sharing_agreement, event.lawful_basis) == (None, "crime_disorder_s115")
    assert event.details["basis_note"].startswith("Door check: only the warning level")
