"""Referral addresses resolve to the register by postcode and house (number or name), and
stay as entered, flagged, when they cannot; a referral counts towards a repeat address."""

from __future__ import annotations

import pytest

from nestguard.places.models import Address, RepeatAddressAlert
from nestguard.places.services import address_resolve, house_key
from tests.factories import AddressFactory
from tests.test_access_truth_table import _referral

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("Flat 3, 14 Canal Street", "3 14"),
        ("3/14 Canal St", "3 14"),
        ("14a High St", "14a"),
        ("Rose Cottage", "rose cottage"),
        ("  ROSE   cottage ", "rose cottage"),
    ],
)
def test_house_key(line: str, key: str) -> None:
    assert house_key(line) == key


@pytest.mark.parametrize(
    "typed", ["21 Testing Street", "21 testing st", "21, Testing St.", "21 Testing Road"]
)
def test_a_typed_address_resolves_to_the_register_by_postcode_and_house(personas, typed):  # type: ignore[no-untyped-def]
    register = AddressFactory(line1="21 Testing Street", uprn="770000000021")
    AddressFactory(line1="23 Testing Street")
    found = address_resolve(actor=personas.owner, line1=typed, postcode="nb1 2ab")
    assert found == register


def test_two_candidates_or_none_stay_as_entered_and_flagged(personas):  # type: ignore[no-untyped-def]
    AddressFactory(line1="Flat 1, 5 Mill Court")
    AddressFactory(line1="Flat 1, 5 Mill Court East")  # the same house key twice: ambiguous
    typed = address_resolve(actor=personas.owner, line1="Flat 1 5 Mill Ct West", postcode="NB1 2AB")
    assert not typed.in_register and typed.uprn is None
    again = address_resolve(actor=personas.owner, line1="flat 1 5 mill ct west", postcode="NB12AB")
    assert again == typed  # typed before: reused, not recorded twice
    assert Address.objects.filter(in_register=False).count() == 1


def test_referrals_through_the_service_resolve_and_count_towards_a_repeat(personas):  # type: ignore[no-untyped-def]
    register = AddressFactory(line1="21 Testing Street", uprn="770000000021")
    for n in range(3):
        referral = _referral(personas.referrer, family_name=f"Repeat{n}", submit=True)
        assert referral.address == register
    alert = RepeatAddressAlert.objects.get(address=register)
    assert alert.report_count == 3


def test_an_unmatched_referral_address_is_flagged_on_its_page(personas, client_for):  # type: ignore[no-untyped-def]
    referral = _referral(personas.referrer, family_name="Unmatched", submit=True)
    assert referral.address is not None and not referral.address.in_register
    from django.urls import reverse

    page = client_for("owner").get(reverse("places:detail", args=[referral.address.pk]))
    assert "not yet matched to the register" in page.content.decode()
