"""Reads about addresses, built on the access selectors (`nestguard.access.selectors`).

- The register itself (addresses by postcode) is not case content: any signed-in user may
  search it, and sees addresses only.
- An address PAGE shows cases, referrals and people, so it is for a user who may see a case
  or a referral at that address (`visible_addresses`); anyone else gets 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from nestguard.access.selectors import visible_case_ids, visible_people, visible_referrals
from nestguard.cases.models import CaseAddress, CaseSubject
from nestguard.people.models import Person
from nestguard.places.models import Address
from nestguard.places.postcodes import postcode_key
from nestguard.referrals.models import Referral, ReferralSubject, subject_roles

# A postcode holds a few dozen delivery points at most; this bounds a search page.
REGISTER_SEARCH_LIMIT = 200


def visible_addresses(user: Any) -> QuerySet[Address]:
    """Addresses with a case or a referral the user may see."""
    if not user or not user.is_authenticated:
        return Address.objects.none()
    with_case = Exists(
        CaseAddress.objects.filter(address=OuterRef("pk"), case__in=visible_case_ids(user))
    )
    with_referral = Exists(visible_referrals(user).filter(address=OuterRef("pk")))
    return Address.objects.filter(Q(with_case) | Q(with_referral))


def address_for(user: Any, pk: Any) -> Address:
    """The address, if the user may see something there; 404 exactly as for a missing one."""
    return get_object_or_404(visible_addresses(user), pk=pk)


def _natural_key(address: Address) -> tuple[Any, ...]:
    """Street-number order: 2 High Street before 10 High Street."""
    parts = re.split(r"(\d+)", address.line1.casefold())
    line1 = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)
    return (line1, address.line2.casefold())


def register_addresses_at(postcode: str, limit: int = REGISTER_SEARCH_LIMIT) -> list[Address]:
    """The register's addresses at a (normalised) postcode, in street-number order."""
    rows = Address.objects.filter(postcode_key=postcode_key(postcode), in_register=True)
    return sorted(rows.order_by("line1", "line2")[:limit], key=_natural_key)


def register_addresses_queryset(postcode: str) -> QuerySet[Address]:
    """The same rows as a queryset, for paging (the API)."""
    return Address.objects.filter(postcode_key=postcode_key(postcode), in_register=True).order_by(
        "line1", "line2", "pk"
    )


@dataclass
class Link:
    """A person linked to the address through a case or referral the user may see."""

    person: Person
    through: list[tuple[str, str]] = field(default_factory=list)  # (record, role label)


@dataclass
class AddressProfile:
    address: Address
    cases: list[CaseAddress]
    referrals: list[Referral]
    people: list[Link]


def address_profile(user: Any, pk: Any) -> AddressProfile:
    """Everything an address page shows this user (404 if they may see nothing there).

    A fixed number of queries whatever the number of cases, referrals and people.
    """
    address = address_for(user, pk)
    cases = list(
        CaseAddress.objects.filter(address=address, case__in=visible_case_ids(user))
        .select_related("case", "case__lead_agency")
        .order_by("-case__opened_at")
    )
    referrals = list(
        visible_referrals(user)
        .filter(address=address)
        .select_related("referrer_agency", "case")
        .order_by("-submitted_at")
    )
    case_ids = [link.case_id for link in cases]
    referral_ids = [referral.pk for referral in referrals]
    people = visible_people(user).values("pk")
    roles = subject_roles()
    links: dict[Any, Link] = {}
    if case_ids:
        case_subjects = (
            CaseSubject.objects.filter(case_id__in=case_ids, person__in=people)
            .select_related("person", "case")
            .order_by("person__family_name", "person__given_name", "case__reference")
        )
        for case_subject in case_subjects:
            link = links.setdefault(case_subject.person_id, Link(person=case_subject.person))
            link.through.append(
                (f"Case {case_subject.case.reference}", roles.label(case_subject.role))
            )
    if referral_ids:
        referral_subjects = (
            ReferralSubject.objects.filter(referral_id__in=referral_ids, person__in=people)
            .select_related("person", "referral")
            .order_by("person__family_name", "person__given_name", "referral__reference")
        )
        for subject in referral_subjects:
            assert subject.person is not None  # filtered above
            link = links.setdefault(subject.person_id, Link(person=subject.person))
            link.through.append(
                (f"Referral {subject.referral.reference}", roles.label(subject.role))
            )
    ordered = sorted(
        links.values(),
        key=lambda item: (
            not (item.person.family_name or item.person.given_name),  # the unnamed last
            item.person.family_name.casefold(),
            item.person.given_name.casefold(),
        ),
    )
    return AddressProfile(address=address, cases=cases, referrals=referrals, people=ordered)
