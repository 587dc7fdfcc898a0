"""Reads about people, built on the access selectors (`nestguard.access.selectors`).

`person_profile` gathers what a person page or the API shows about one person, for one viewer:
- the cases that name the person and that the viewer may see, with the person's roles in each
  (a victim in one case may be a suspected exploiter in another, and each role is shown only
  with a case the viewer may see);
- the referrals naming the person whose content the viewer may see;
- "also known to": every agency that holds a case (as lead or team agency) or a triage
  referral about the person, with its contact details. That agencies know the person is
  disclosed to whoever may see the person at all (ARCHITECTURE.md section 5); WHAT they know
  (reference, role, content) is attached only for the cases and referrals the viewer may see.

A fixed number of queries whatever the number of cases and referrals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from nestguard.accounts.models import Agency
from nestguard.cases.access_policy import visible_case_ids
from nestguard.cases.models import Case, CaseSubject, CaseTeamAgency
from nestguard.people.models import Person
from nestguard.referrals.access_policy import visible_referrals
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject, subject_roles


@dataclass
class CaseLink:
    """A case the viewer may see that names the person, with the person's roles in it."""

    case: Case
    roles: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def role_labels(self) -> list[str]:
        return [subject_roles().label(role) for role in self.roles]


@dataclass
class ReferralLink:
    """A referral the viewer may see that names the person, with the roles it gives them."""

    referral: Referral
    roles: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def role_labels(self) -> list[str]:
        return [subject_roles().label(role) for role in self.roles]


@dataclass
class KnownTo:
    """An agency that knows the person. `cases` and `referrals` hold only what the viewer may
    see themselves; an agency known only through records the viewer may not see has none."""

    agency: Agency
    cases: list[Case] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)


@dataclass
class AgeNow:
    """The person's age today: exact from a date of birth, or grown from an estimate."""

    years: int | None
    estimated: bool
    estimate: int | None = None
    estimated_on: date | None = None


@dataclass
class PersonProfile:
    person: Person
    cases: list[CaseLink]
    referrals: list[ReferralLink]
    known_to: list[KnownTo]

    @property
    def aliases(self) -> list[str]:
        return [alias.name for alias in self.person.aliases.all()]

    @property
    def age_now(self) -> AgeNow:
        return age_now(self.person)


def age_now(person: Person, today: date | None = None) -> AgeNow:
    """An estimate grows by the whole years since it was recorded."""
    today = today or timezone.localdate()
    if person.date_of_birth:
        return AgeNow(years=person.age_on(today), estimated=False)
    if person.age_estimate is None:
        return AgeNow(years=None, estimated=True)
    recorded = timezone.localtime(person.created_at).date()
    grown = today.year - recorded.year - ((today.month, today.day) < (recorded.month, recorded.day))
    return AgeNow(
        years=person.age_estimate + max(grown, 0),
        estimated=True,
        estimate=person.age_estimate,
        estimated_on=recorded,
    )


def _role_order(role: str) -> tuple[int, str]:
    """Roles in the order of the code list (victim first), unknown codes last."""
    codes = subject_roles().values
    return (codes.index(role) if role in codes else len(codes), role)


def person_case_links(user: Any, person: Person) -> list[CaseLink]:
    """Cases the user may see that name the person, newest first, with the person's roles."""
    rows = (
        CaseSubject.objects.filter(person=person, case__in=visible_case_ids(user))
        .select_related("case", "case__lead_agency")
        .order_by("-case__opened_at", "case__reference", "role")
    )
    links: dict[Any, CaseLink] = {}
    for row in rows:
        link = links.setdefault(row.case_id, CaseLink(case=row.case))
        if row.role not in link.roles:
            link.roles.append(row.role)
    for link in links.values():
        link.roles.sort(key=_role_order)
    return list(links.values())


def person_referral_links(user: Any, person: Person) -> list[ReferralLink]:
    """Referrals naming the person whose content the user may see, newest first."""
    rows = (
        ReferralSubject.objects.filter(
            person=person, referral__in=visible_referrals(user).values("pk")
        )
        .select_related("referral", "referral__referrer_agency")
        .order_by("-referral__submitted_at", "referral__reference")
    )
    links: dict[Any, ReferralLink] = {}
    for row in rows:
        link = links.setdefault(row.referral_id, ReferralLink(referral=row.referral))
        if row.role not in link.roles:
            link.roles.append(row.role)
    for item in links.values():
        item.roles.sort(key=_role_order)
    return list(links.values())


def agencies_knowing(person: Person) -> QuerySet[Agency]:
    """Agencies holding a case (lead or team) or a submitted triage referral about the person.

    Deliberately not limited to what the viewer may see: this answers only WHO knows the
    person, never what they know. Callers must reach `person` through `visible_people`.
    """
    leading = CaseSubject.objects.filter(person=person).values("case__lead_agency_id")
    on_team = CaseTeamAgency.objects.filter(case__subjects__person=person).values("agency_id")
    triaging = (
        Referral.triage_agencies.through.objects.filter(referral__subjects__person=person)
        .exclude(referral__status=ReferralStatus.DRAFT)
        .values("agency_id")
    )
    return Agency.objects.filter(
        Q(pk__in=leading) | Q(pk__in=on_team) | Q(pk__in=triaging)
    ).order_by("name")


def also_known_to(
    person: Person, cases: list[CaseLink], referrals: list[ReferralLink]
) -> list[KnownTo]:
    """`agencies_knowing`, each with the cases and referrals the viewer may see of theirs
    (`cases` and `referrals` are the viewer's own links, from the functions above)."""
    known = {agency.pk: KnownTo(agency=agency) for agency in agencies_knowing(person)}
    by_case = {link.case.pk: link.case for link in cases}
    holders: dict[Any, set[Any]] = defaultdict(set)
    for link in cases:
        holders[link.case.pk].add(link.case.lead_agency_id)
    if by_case:
        pairs = CaseTeamAgency.objects.filter(case_id__in=list(by_case)).values_list(
            "case_id", "agency_id"
        )
        for case_id, agency_id in pairs:
            holders[case_id].add(agency_id)
    for case_id, agency_ids in holders.items():
        for agency_id in agency_ids:
            if agency_id in known:
                known[agency_id].cases.append(by_case[case_id])
    by_referral = {link.referral.pk: link.referral for link in referrals}
    if by_referral:
        routed = Referral.triage_agencies.through.objects.filter(
            referral_id__in=list(by_referral)
        ).values_list("referral_id", "agency_id")
        for referral_id, agency_id in routed:
            if agency_id in known:
                known[agency_id].referrals.append(by_referral[referral_id])
    for item in known.values():
        item.cases.sort(key=lambda case: case.reference)
        item.referrals.sort(key=lambda referral: referral.reference)
    return list(known.values())


def person_profile(user: Any, person: Person) -> PersonProfile:
    """Everything a person page shows this user about one person (loaded through the door)."""
    cases = person_case_links(user, person)
    referrals = person_referral_links(user, person)
    return PersonProfile(
        person=person,
        cases=cases,
        referrals=referrals,
        known_to=also_known_to(person, cases, referrals),
    )
