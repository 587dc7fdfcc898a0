"""Target hardening: cost and funding against the address and its tenure, so the funding
gap for private tenants is visible on the address and in the partnership figure."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from nestguard.places.models import HardeningMeasure
from nestguard.places.selectors import hardening_by_tenure
from nestguard.places.services.hardening import hardening_record, parse_cost

pytestmark = pytest.mark.django_db


def test_recorded_with_the_tenure_and_shown_with_the_gap(personas, home, client_for):  # type: ignore[no-untyped-def]
    hardening_record(
        actor=personas.owner,
        address=home.address,
        measure="locks",
        cost="180.50",
        funding="unfunded",
    )
    hardening_record(
        actor=personas.partner,
        address=home.address,
        measure="cctv",
        cost="£1,200",
        funding="police",
    )
    assert set(HardeningMeasure.objects.values_list("tenure", flat=True)) == {"private_rented"}
    page = (
        client_for("owner").get(reverse("places:detail", args=[home.address.pk])).content.decode()
    )
    assert "£1,380.50" in page and "£180.50 unfunded" in page
    (row,) = hardening_by_tenure()
    assert (row.tenure, row.summary.total_pence, row.summary.unfunded_pence) == (
        "private_rented",
        138050,
        18050,
    )
    figure = client_for("partner").get(reverse("places:hardening_summary")).content.decode()
    assert "Private rented" in figure and "£180.50" in figure


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"measure": "moat"}, "measure"),
        ({"funding": "lottery"}, "funding"),
        ({"cost": ""}, "cost"),
        ({"cost": "-1"}, "cost"),
        ({"cost": "1.234"}, "cost"),
        ({"cost": "NaN"}, "cost"),
        ({"cost": "100001"}, "cost"),
        ({"cost": True}, "cost"),
        ({"notes": "x" * 2001}, "notes"),
    ],
)
def test_bad_measures_are_refused(personas, home, values, field):  # type: ignore[no-untyped-def]
    args = {"measure": "locks", "cost": "10", "funding": "council", **values}
    with pytest.raises(ValidationError) as caught:
        hardening_record(actor=personas.owner, address=home.address, **args)
    assert field in caught.value.message_dict
    assert not HardeningMeasure.objects.exists()


def test_only_those_who_work_on_the_address_record_it(personas, home):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        hardening_record(
            actor=personas.outsider,
            address=home.address,
            measure="locks",
            cost="1",
            funding="council",
        )


@given(pence=st.integers(min_value=0, max_value=10_000_000))
def test_cost_round_trips_in_pence(pence: int) -> None:
    errors: dict[str, str] = {}
    assert parse_cost(errors, f"{pence / 100:.2f}") == pence and not errors
