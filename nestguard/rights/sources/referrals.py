"""Referrals naming the person (as a subject)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access import door
from nestguard.referrals.models import Referral
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source


def _referrals(user: Any, subject: Subject) -> Iterator[Found]:
    referrals = (
        door.visible(user, Referral, purpose=PURPOSE)
        .filter(subjects__person_id__in=subject.person_ids)
        .distinct()
        .select_related("referrer_agency")
        .order_by("created_at", "pk")
    )
    for referral in referrals:
        yield Found(
            object_type="referral",
            object_id=str(referral.pk),
            title=f"Referral {referral.reference}",
            held_by=str(referral.referrer_agency or ""),
            fields=fields_of(
                referral,
                [
                    ("Submitted", "submitted_at"),
                    ("Status", "status"),
                    ("Referring agency", "referrer_agency"),
                    ("Address", "address_line1"),
                    ("Town", "address_town"),
                    ("Postcode", "address_postcode"),
                    ("Concerns", "concern_types"),
                    ("Indicators", "indicators"),
                    ("What was seen", "signs_text"),
                    ("Urgency", "urgency"),
                    ("Lawful basis", "lawful_basis"),
                    ("Consent", "consent"),
                    ("Decision", "decision"),
                    ("Reason for the decision", "decision_reason"),
                ],
            ),
        )


register_source("referrals", "Referrals", _referrals, models=[Referral])
