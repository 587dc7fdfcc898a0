"""The nightly repeat-address rule as a job on the queue (places.repeat_addresses)."""

from __future__ import annotations

import pytest

from nestguard.jobs import enqueue
from nestguard.jobs.models import JobStatus
from nestguard.jobs.worker import drain
from nestguard.places.models import AddressReport, RepeatAddressAlert
from nestguard.places.tests.conftest import days
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


def test_the_repeat_address_job_raises_the_alerts_the_rule_says(personas) -> None:  # type: ignore[no-untyped-def]
    address = AddressFactory()
    for _ in range(3):
        AddressReport.objects.create(
            address=address, kind="incident", occurred_on=days(-1), summary="x",
            agency=personas.police,
        )  # fmt: skip
    run = enqueue("places.repeat_addresses", started_by=personas.admin)
    assert not RepeatAddressAlert.objects.exists(), "nothing happens until the worker runs it"
    assert drain() == 1
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED, run.failure_reason
    assert run.summary == "1 open repeat-address alert(s)"
    assert list(RepeatAddressAlert.objects.values_list("address", flat=True)) == [address.pk]
