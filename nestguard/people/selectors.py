"""Reads about people, through the door (`nestguard.access.door`).

`person_profile` gathers what a person page or the API shows about one person, for one viewer:
- the cases that name the person and that the viewer may see, with the person's roles in each
  (a victim in one case may be a suspected exploiter in another, and each role is shown only
  with a case the viewer may see);
- the referrals naming the person whose content the viewer may see;
- "also known to": the agencies holding a case (as lead or team agency) or a triage referral
  about the person whose involvement the viewer may know (`may_know_of`: the lead and team
  agencies of the cases naming the person that the viewer may see, the agencies the viewer's
  agency shares an active sharing agreement with, and the viewer's own), with their contact
  details. Saying that a person is known to the police, youth justice or probation is itself
  a disclosure (decision 0079), so any other agency is never named, counted or hinted at:
  the page says, for everyone and whatever is held, that other partners may hold
  information and whom to ask at the hub (`ask`). WHAT a named agency knows (reference,
  role, content) is attached only for the cases and referrals the viewer may see.

A fixed number of queries whatever the number of cases and referrals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from nestguard.access import door
from nestguard.access.selectors import partner_agency_ids
from nestguard.accounts.models import Agency
from nestguard.cases.models import Case, CaseSubject, CaseTeamAgency
from nestguard.core.hub import HubContact, hub_contacts
from nestguard.core.queries import one_of
from nestguard.people.models import Person
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
    # Whom to ask at the hub about what other partners may hold: the same for every viewer.
    ask: list[HubContact] = field(default_factory=list)

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
        CaseSubject.objects.filter(one_of(door.visible(user, Case), "case"), person=person)
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
            one_of(door.visible(user, Referral), "referral"), person=person
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

    Not limited to what any viewer may see: show it to a viewer only through
    `also_known_to`, which keeps the agencies they `may_know_of` (linkage keeps its own).
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


def case_holders(cases: list[CaseLink]) -> dict[Any, set[Any]]:
    """For each of the viewer's cases, its lead agency and its team agencies (by id)."""
    holders: dict[Any, set[Any]] = defaultdict(set)
    for link in cases:
        holders[link.case.pk].add(link.case.lead_agency_id)
    if holders:
        pairs = CaseTeamAgency.objects.filter(case_id__in=list(holders)).values_list(
            "case_id", "agency_id"
        )
        for case_id, agency_id in pairs:
            holders[case_id].add(agency_id)
    return holders


def may_know_of(user: Any, holders: dict[Any, set[Any]]) -> set[Any]:
    """The agencies whose involvement with the person this user may be told: those holding
    the cases naming the person that the user may see (`holders`, from the user's own case
    links), those the user's agency shares an active sharing agreement with, and the user's
    own agency."""
    agency = getattr(user, "agency", None)
    ids: set[Any] = set().union(*holders.values())
    if agency is not None:
        ids |= {agency.pk} | partner_agency_ids(agency)
    return ids


def also_known_to(
    user: Any, person: Person, cases: list[CaseLink], referrals: list[ReferralLink]
) -> list[KnownTo]:
    """`agencies_knowing` that the user `may_know_of`, each with the cases and referrals the
    user may see of theirs (`cases` and `referrals` are the user's own links, from the
    functions above). Any other agency is left out without a trace."""
    holders = case_holders(cases)
    shown = may_know_of(user, holders)
    known = {
        agency.pk: KnownTo(agency=agency)
        for agency in agencies_knowing(person).filter(pk__in=shown)
    }
    by_case = {link.case.pk: link.case for link in cases}
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
        known_to=also_known_to(user, person, cases, referrals),
        ask=hub_contacts(),
    )
