"""Test set-up for the person and address pages: cases and referrals written with the ORM.

TESTS ONLY. The pages under test only read; these rows stand for what the referral and case
services write (the brief allows ORM set-up in tests). Rows are shaped as those services
shape them: subjects with roles on the links, team agencies, addresses, triage agencies.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from nestguard.accounts.models import Agency, User
from nestguard.cases.models import Case, CaseAddress, CaseSubject, CaseTeamAgency, CaseTeamUser
from nestguard.people.models import Person
from nestguard.places.models import Address
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject

_numbers = itertools.count(1)


def make_case(
    *,
    lead_agency: Agency,
    subjects: Iterable[tuple[Person, str]] = (),
    team_agencies: Iterable[Agency] = (),
    team_users: Iterable[User] = (),
    addresses: Iterable[Address] = (),
    status: str = "open",
    opened_at: datetime | None = None,
) -> Case:
    number = next(_numbers)
    case = Case.objects.create(
        reference=f"TCASE-{number:06d}",
        summary="Test case",
        lead_agency=lead_agency,
        status=status,
        opened_at=opened_at or timezone.now() - timedelta(days=number % 300),
    )
    CaseSubject.objects.bulk_create(
        CaseSubject(case=case, person=person, role=role) for person, role in subjects
    )
    CaseTeamAgency.objects.bulk_create(
        CaseTeamAgency(case=case, agency=agency) for agency in team_agencies
    )
    CaseTeamUser.objects.bulk_create(CaseTeamUser(case=case, user=user) for user in team_users)
    CaseAddress.objects.bulk_create(
        CaseAddress(case=case, address=address, description="Home address") for address in addresses
    )
    return case


def make_referral(
    *,
    referrer: User,
    subjects: Iterable[tuple[Person, str]] = (),
    triage_agencies: Iterable[Agency] = (),
    address: Address | None = None,
    status: str = ReferralStatus.SUBMITTED,
    case: Case | None = None,
) -> Referral:
    number = next(_numbers)
    submitted: Any = None if status == ReferralStatus.DRAFT else timezone.now()
    referral = Referral.objects.create(
        reference=f"TREF-{number:06d}",
        status=status,
        referrer=referrer,
        referrer_agency=referrer.agency,
        address=address,
        address_line1=address.line1 if address else "",
        address_postcode=address.postcode if address else "",
        concern_types=["cuckooing"],
        submitted_at=submitted,
        triage_due_at=submitted,
        case=case,
    )
    referral.triage_agencies.set(list(triage_agencies))
    ReferralSubject.objects.bulk_create(
        ReferralSubject(
            referral=referral,
            person=person,
            role=role,
            given_name=person.given_name,
            family_name=person.family_name,
        )
        for person, role in subjects
    )
    return referral


# Through the real services, where they exist: a referral made, submitted and triaged.


def referral_submitted(
    *,
    referrer: User,
    people: Iterable[dict[str, Any]],
    line1: str = "Flat 3, 14 Canal Street",
    postcode: str = "NB1 2AB",
    concern_types: Iterable[str] = ("cuckooing",),
) -> Referral:
    """A referral made and submitted by `referrer` through the referral services."""
    from nestguard.referrals import services

    referral = services.referral_start(actor=referrer)
    services.referral_details_update(
        actor=referrer, referral=referral, phone="01632 960999", job_title="Teacher"
    )
    for person in people:
        services.referral_subject_add(actor=referrer, referral=referral, **person)
    services.referral_address_update(
        actor=referrer, referral=referral, line1=line1, town="Northbrook", postcode=postcode
    )
    services.referral_concerns_update(
        actor=referrer,
        referral=referral,
        concern_types=list(concern_types),
        indicators=["unfamiliar_visitors"],
        signs_text="Different cars outside every evening",
    )
    services.referral_urgency_update(actor=referrer, referral=referral, urgency="medium")
    services.referral_consent_update(
        actor=referrer,
        referral=referral,
        lawful_basis="safeguarding_sch1_para18",
        consent="not_sought",
        consent_reason="would_prejudice",
    )
    return services.referral_submit(actor=referrer, referral=referral)


def referral_accepted(*, actor: User, referral: Referral) -> Case:
    """Triage accepts the referral, which opens a case (the case services)."""
    from nestguard.referrals import services

    decided = services.referral_triage(actor=actor, referral=referral, decision="accept")
    assert decided.case is not None
    return decided.case
