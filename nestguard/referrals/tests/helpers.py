"""Referrals made the way users make them: through the services, section by section."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from nestguard.referrals import services
from nestguard.referrals.models import Referral

PERSON = {
    "role": "victim",
    "given_name": "Alex",
    "family_name": "Testperson",
    "aliases": ["Al"],
    "date_of_birth": date(1961, 4, 2),
}
ADDRESS = {"line1": "14 Testing Street", "town": "Northbrook", "postcode": "nb1 2ab"}
CONCERNS = {
    "concern_types": ["cuckooing"],
    "indicators": ["unfamiliar_visitors", "resident_withdrawn"],
    "signs_text": "Visitors at all hours since March.",
}
CONSENT = {
    "lawful_basis": "safeguarding_sch1_para18",
    "consent": "not_sought",
    "consent_reason": "would_prejudice",
}


def complete_draft(
    actor: Any,
    *,
    people: list[dict[str, Any]] | None = None,
    address: dict[str, Any] | None = None,
    concerns: dict[str, Any] | None = None,
    urgency: str = "medium",
) -> Referral:
    referral = services.referral_start(actor=actor)
    services.referral_details_update(
        actor=actor, referral=referral, phone="01632 960 001", job_title="Housing officer"
    )
    for person in people if people is not None else [PERSON]:
        services.referral_subject_add(actor=actor, referral=referral, **person)
    services.referral_address_update(actor=actor, referral=referral, **(address or ADDRESS))
    services.referral_concerns_update(actor=actor, referral=referral, **(concerns or CONCERNS))
    services.referral_urgency_update(actor=actor, referral=referral, urgency=urgency)
    services.referral_consent_update(actor=actor, referral=referral, **CONSENT)
    referral.refresh_from_db()
    return referral


def submitted(actor: Any, *, submitted_at: datetime | None = None, **kwargs: Any) -> Referral:
    referral = complete_draft(actor, **kwargs)
    return services.referral_submit(actor=actor, referral=referral, submitted_at=submitted_at)
