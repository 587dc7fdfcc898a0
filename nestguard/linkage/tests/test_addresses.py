"""Address strings from records and referrals matched to the register with a confidence;
the uncertain wait for a reviewer, who picks one of the addresses offered or none."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import Personas, sign_in
from nestguard.linkage.models import AddressMatch
from nestguard.linkage.services.addresses import (
    address_match_confirm,
    address_match_reject,
    address_matches_refresh,
)
from nestguard.linkage.tests.builders import record
from nestguard.linkage.thresholds import thresholds
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_string_is_matched_once_with_a_confidence_and_a_status(
    personas: Personas, register
) -> None:  # type: ignore[no-untyped-def]
    clear = record(personas.partner, "P1", given_name="Ann", address_line1="3 Mill Lane",
                   town="Northbrook", postcode="NB2 4CD")  # fmt: skip
    vague = record(personas.partner, "P2", given_name="Bob", address_line1="Canal St flat",
                   postcode="NB1 2AB")  # fmt: skip
    nowhere = record(personas.partner, "P3", given_name="Cat", address_line1="The Old Barn",
                     postcode="ZZ9 9ZZ")  # fmt: skip
    record(personas.partner, "P4", given_name="Dan")  # no address: nothing to match
    # Matched as they arrived (one match each, none for the record without an address).
    assert AddressMatch.objects.count() == 3
    limits = thresholds()
    for made in AddressMatch.objects.all():
        assert 0.0 <= made.confidence <= 1.0
        if made.confidence >= limits.address_accept:
            assert made.status == "matched" and made.uprn
        elif made.confidence >= limits.address_review:
            assert made.status == "pending"
        else:
            assert made.status == "unmatched" and not made.uprn
    assert AddressMatch.objects.get(source_record=clear).uprn == "100000000004"
    assert AddressMatch.objects.get(source_record=nowhere).status == "unmatched"
    assert AddressMatch.objects.get(source_record=vague).alternatives
    assert address_matches_refresh(actor=None) == {}  # never twice


def test_a_reviewer_confirms_an_offered_address_or_none(personas: Personas, register) -> None:  # type: ignore[no-untyped-def]
    reviewer = UserFactory(username="rev", agency=personas.hub, roles=["linkage_reviewer"])
    source = record(personas.partner, "P2", given_name="Bob", address_line1="Canal St flat",
                    postcode="NB1 2AB")  # fmt: skip
    match = AddressMatch.objects.get(source_record=source)
    match.status = "pending"  # whatever the engine scored, the decision path is the same
    match.save()
    with pytest.raises(ValidationError):
        address_match_confirm(actor=reviewer, match=match, uprn="999999999999")
    client = sign_in(Client(), reviewer)
    page = client.get(f"/person-index/addresses/{match.pk}/").content.decode()
    assert "Canal St flat" in page and "None of these" in page
    offered = match.alternatives[0]["uprn"]
    response = client.post(f"/person-index/addresses/{match.pk}/", {"uprn": offered})
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.uprn, match.decided_by) == ("confirmed", offered, reviewer)
    with pytest.raises(ValidationError):
        address_match_reject(actor=reviewer, match=match)


def test_referral_addresses_are_matched_too(personas: Personas, register) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from nestguard.linkage.tests.test_candidates import referral_naming

    referral = referral_naming(personas.referrer, "Ann", "Lee", dt.date(2000, 1, 1))
    match = AddressMatch.objects.get(referral=referral)  # matched as it was submitted
    assert match.agency == personas.school
    assert match.uprn == "100000000001" or match.status != "matched"
