"""The demo borough's history tells the dashboard's story (issue 11, point 7; decision 0093):
seasons, a cuckooing hotspot ward, and a displacement after a closure order."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from nestguard.core.calendar import UK
from nestguard.demo.names import WARDS
from nestguard.demo.seed import seed_borough
from nestguard.demo.story import HOTSPOT_WARD
from nestguard.enforcement.models import EnforcementAction
from nestguard.places.models import AddressReport, DisplacementAlert, WardBoundary
from nestguard.referrals.models import Referral

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
pytestmark = pytest.mark.time_machine(NOW)


@pytest.mark.django_db
def test_the_borough_history_has_seasons_a_hotspot_and_a_displacement() -> None:
    seed_borough(scale=1, now=NOW)

    # Seasons: every summer holiday (July and August) and every autumn (September to
    # November) is busier than the Christmas month of the same year.
    months: Counter[tuple[int, int]] = Counter()
    for submitted in Referral.objects.exclude(submitted_at=None).values_list(
        "submitted_at", flat=True
    ):
        local = submitted.astimezone(UK)
        months[local.year, local.month] += 1
    for year in (2024, 2025):
        december = months[year, 12]
        assert (months[year, 7] + months[year, 8]) / 2 > december * 1.3, (year, months)
        assert sum(months[year, m] for m in (9, 10, 11)) / 3 > december * 1.3, (year, months)

    # The hotspot: more cuckooing referrals than any other ward, clearly.
    cuckooing: Counter[str] = Counter()
    for ward, concerns in Referral.objects.exclude(address=None).values_list(
        "address__ward", "concern_types"
    ):
        if "cuckooing" in (concerns or []):
            cuckooing[ward] += 1
    (top, top_count), (_, second_count) = cuckooing.most_common(2)
    assert top == HOTSPOT_WARD
    assert top_count > second_count * 1.3

    # The displacement: partner reports at the closed property stop at its closure order and
    # start at a nearby address, where places' displacement rule raised its alert.
    order = EnforcementAction.objects.get(step="closure_order")
    closed_on = order.taken_at.astimezone(UK).date()
    alert = DisplacementAlert.objects.get(from_address=order.address)
    assert order.case.subjects.filter(person_id=alert.person_id).exists()
    moved_to = alert.to_address
    assert moved_to.ward == order.address.ward or moved_to.easting is not None
    distance = (
        (moved_to.easting - order.address.easting) ** 2
        + (moved_to.northing - order.address.northing) ** 2
    ) ** 0.5
    assert distance < 400
    before = AddressReport.objects.filter(address=order.address, occurred_on__lt=closed_on)
    after_there = AddressReport.objects.filter(address=order.address, occurred_on__gt=closed_on)
    after_nearby = AddressReport.objects.filter(address=moved_to, occurred_on__gt=closed_on)
    assert before.count() >= 5 and after_nearby.count() >= 5
    assert after_there.count() == 0

    # The ward map's outlines: one per ward of the grid.
    assert set(WardBoundary.objects.values_list("name", flat=True)) == set(WARDS)
