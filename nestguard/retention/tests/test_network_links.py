"""A disposal takes with it the network links derived from what the records said (issue 15
point 2 with the network of issue 12): a referral subject's phone numbers and a released
intelligence version's subjects are cleared in bulk, which sends no save signal, so the links
are derived again from what the records say now. Before, the person and the phone stayed
linked in the network after the referral and the intelligence were disposed of."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from nestguard.intelligence.tests.conftest import make_intel
from nestguard.network.models import Link
from nestguard.network.registry import sources
from nestguard.people.tests.builders import referral_submitted
from nestguard.referrals import services as referrals
from nestguard.referrals.models import Referral
from nestguard.retention.services.batches import batches_build
from nestguard.retention.tests.test_record_types import approve_all
from nestguard.retention.tests.world import years_before
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PHONE = "07700 900461"


def _links(kind: str, key: Any) -> set[tuple[str, str]]:
    return set(Link.objects.filter(source_kind=kind, source_id=key).values_list("b_kind", "role"))


def _derived_again(kind: str, key: Any) -> set[tuple[str, str]]:
    src = sources()[kind]
    record = src.records().filter(pk=key).first()
    return {(spec.b.kind, spec.role) for spec in src.derive(record)} if record else set()


@pytest.fixture
def old(personas: Personas, clock: Any) -> dict[str, Any]:
    """A declined referral naming a phone, and a released intelligence version naming a
    phone and a vehicle, both ten years ago."""
    now = timezone.now()
    clock.move_to(years_before(now, 10))
    owner = personas.owner
    subject = {
        "role": "victim", "given_name": "Aldous", "family_name": "Quintrell",
        "date_of_birth": date(1980, 3, 4), "phones": [PHONE],
    }  # fmt: skip
    referral = referral_submitted(referrer=personas.referrer, people=[subject])
    referrals.referral_triage(
        actor=owner, referral=referral, decision="decline",
        reason_code="insufficient_information", reason="Known to us already",
    )  # fmt: skip
    version = make_intel(personas).shared(to=[])  # released; links need no share
    clock.move_to(now + timedelta(seconds=1))
    dpo = UserFactory(username="dpo", agency=personas.hub, roles=["data_protection_officer"])
    return {"referral": referral, "version": version, "dpo": dpo}


def test_a_disposal_clears_the_links_derived_from_what_the_records_said(
    old: dict[str, Any],
) -> None:
    referral: Referral = old["referral"]
    version = old["version"]
    assert _phone_links(referral) == {("phone", "phone")}
    assert {"phone", "vehicle"} <= {b for b, _ in _links("intelligence", version.pk)}

    batches_build()
    approve_all(old["dpo"])

    assert not _phone_links(referral) and not _links("intelligence", version.pk)
    # What stays is exactly what the records, as they are now, give.
    assert _links("referral", referral.pk) == _derived_again("referral", referral.pk)
    assert not any(b == "phone" for b, _ in _links("referral", referral.pk))


def _phone_links(referral: Referral) -> set[tuple[str, str]]:
    """The phone links a referral's subjects carry (from the person, or the referral when the
    subject is not a known person)."""
    return {
        (b, role)
        for b, role in Link.objects.filter(
            source_kind="referral", source_id=referral.pk, b_kind="phone"
        ).values_list("b_kind", "role")
    }
