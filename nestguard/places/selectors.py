"""Reads about addresses, built on the access selectors (`nestguard.access.selectors`).

- The register itself (addresses by postcode) is not case content: any signed-in user may
  search it, and sees addresses only.
- An address PAGE shows cases, referrals and people, so it is for a user who may see a case
  or a referral at that address (`visible_addresses`); anyone else gets 404.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from nestguard.access import door
from nestguard.access.selectors import remembered
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import CaseAddress, CaseSubject
from nestguard.people.access_policy import person_visible
from nestguard.people.models import Person
from nestguard.places.models import (
    Address,
    AlertStatus,
    DisplacementAlert,
    HardeningMeasure,
    PersonAddressLink,
    RepeatAddressAlert,
    WardBoundary,
    WarningMarker,
    funding_sources,
    tenures,
    warning_levels,
)
from nestguard.places.postcodes import postcode_key
from nestguard.referrals.access_policy import visible_referrals
from nestguard.referrals.models import Referral, ReferralSubject, subject_roles

# A postcode holds a few dozen delivery points at most; this bounds a search page.
REGISTER_SEARCH_LIMIT = 200


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


def case_links_at(user: Any, address: Address) -> list[CaseAddress]:
    """The visible cases at an address, newest first (read once per request: the page and its
    timeline both show them)."""
    return remembered(
        ("places.case_links_at", user.pk, address.pk),
        lambda: list(
            CaseAddress.objects.filter(case_visible(user), address=address)
            .select_related("case", "case__lead_agency")
            .order_by("-case__opened_at")
        ),
    ).copy()


def referrals_at(user: Any, address: Address) -> list[Referral]:
    """The visible referrals at an address, newest first (read once per request)."""
    return remembered(
        ("places.referrals_at", user.pk, address.pk),
        lambda: list(
            visible_referrals(user)
            .filter(address=address)
            .select_related("referrer_agency", "case")
            .order_by("-submitted_at")
        ),
    ).copy()


def address_profile(user: Any, address: Address) -> AddressProfile:
    """Everything an address page shows this user (the address loaded through the door).

    A fixed number of queries whatever the number of cases, referrals and people.
    """
    cases = case_links_at(user, address)
    referrals = referrals_at(user, address)
    case_ids = [link.case_id for link in cases]
    referral_ids = [referral.pk for referral in referrals]
    people = person_visible(user)
    roles = subject_roles()
    links: dict[Any, Link] = {}
    if case_ids:
        case_subjects = (
            CaseSubject.objects.filter(people, case_id__in=case_ids)
            .select_related("person", "case")
            .order_by("person__family_name", "person__given_name", "person_id", "case__reference")
        )
        for case_subject in case_subjects:
            link = links.setdefault(case_subject.person_id, Link(person=case_subject.person))
            link.through.append(
                (f"Case {case_subject.case.reference}", roles.label(case_subject.role))
            )
    if referral_ids:
        referral_subjects = (
            ReferralSubject.objects.filter(people, referral_id__in=referral_ids)
            .select_related("person", "referral")
            .order_by(
                "person__family_name", "person__given_name", "person_id", "referral__reference"
            )
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


# "Is there a risk behind this door?" ----------------------------------------------------

NO_WARNING_ADVICE = (
    "No warning is recorded for this address. Follow your own agency's lone-working "
    "procedure as for any visit."
)


@dataclass(frozen=True)
class DoorAnswer:
    """The whole answer, and all of it: never the reasons or the people behind it."""

    level: str
    advice: str
    contact: str

    def as_dict(self) -> dict[str, str]:
        return {"level": self.level, "advice": self.advice, "contact": self.contact}

    @property
    def level_label(self) -> str:
        return warning_levels().label(self.level)


def door_addresses(*, uprn: str = "", postcode: str = "", number: str = "") -> list[Address]:
    """The register addresses a door-check question names: by UPRN, or by postcode and
    house number or name (every address at the postcode with that house; a block's number
    names all its flats, and the answer is then the highest warning among them)."""
    if uprn:
        return list(Address.objects.filter(uprn=uprn))
    rows = Address.objects.filter(postcode_key=postcode_key(postcode)).only(
        "pk", "line1", "line2", "uprn"
    )
    from nestguard.places.services.resolve import house_key, normalise_line

    wanted_line, wanted_house = normalise_line(number), house_key(number)
    exact = [a for a in rows if normalise_line(a.line1) == wanted_line]
    if exact:
        return exact
    numbers = wanted_house.split()
    matched = []
    for address in rows:
        house = house_key(address.line1).split()
        # "14" names 14 Canal Street and every "Flat n, 14 Canal Street"; "3 14" names one.
        if house == numbers or (len(numbers) == 1 and house and house[-1] == numbers[0]):
            matched.append(address)
            continue
        named = not numbers or not any(ch.isdigit() for ch in wanted_house)
        if named and wanted_line and normalise_line(address.line1).startswith(wanted_line):
            matched.append(address)
    return matched


def door_answer(addresses: list[Address]) -> DoorAnswer:
    """The highest warning in force at these addresses, or "none" in the same shape."""
    if addresses:
        ranks = {c.code: int(c.get("rank", 0)) for c in warning_levels().codes}
        markers = WarningMarker.objects.filter(
            address__in=[a.pk for a in addresses],
            withdrawn_at__isnull=True,
            expires_on__gte=timezone.localdate(),
        ).only("level", "advice", "contact", "created_at")
        best = max(markers, key=lambda m: (ranks.get(m.level, 0), m.created_at), default=None)
        if best is not None:
            return DoorAnswer(level=best.level, advice=best.advice, contact=best.contact)
    return DoorAnswer(level="none", advice=NO_WARNING_ADVICE, contact="")


# What an address page shows besides its cases, referrals and people -------------------


def markers_at(user: Any, address: Address) -> list[WarningMarker]:
    """The markers at an address the user may read in full, lapsed ones too (the door's
    WarningMarker policy: their case, their agency, their handling restriction). Read once
    per request: the page and its timeline both show them."""
    return remembered(
        ("places.markers_at", user.pk, address.pk),
        lambda: list(
            door.visible(user, WarningMarker)
            .filter(address=address)
            .select_related("owner_agency", "case")
            .order_by("-created_at")
        ),
    ).copy()


def links_at(user: Any, address: Address) -> list[PersonAddressLink]:
    """Person links at the address, only for people the user may see (read once per request:
    the page and its timeline both show them)."""
    return remembered(
        ("places.links_at", user.pk, address.pk),
        lambda: list(
            PersonAddressLink.objects.filter(person_visible(user), address=address)
            .select_related("person")
            .order_by("-from_date")
        ),
    ).copy()


def displacement_alerts_for(user: Any, *, address: Address | None = None, case: Any = None):  # type: ignore[no-untyped-def]
    """Displacement alerts on cases the user may see, at an address (either end) or on a case
    (read once per request: the address page and its timeline both show them)."""

    def read() -> list[DisplacementAlert]:
        alerts = DisplacementAlert.objects.filter(case_visible(user))
        if address is not None:
            alerts = alerts.filter(Q(from_address=address) | Q(to_address=address))
        if case is not None:
            alerts = alerts.filter(case=case)
        related = alerts.select_related("person", "from_address", "to_address", "case")
        return list(related.order_by("-raised_at"))

    key = (getattr(address, "pk", None), getattr(case, "pk", None))
    return remembered(("places.displacement_alerts_for", user.pk, key), read).copy()


@dataclass(frozen=True)
class FundingSummary:
    total_pence: int
    funded_pence: int
    unfunded_pence: int
    count: int

    @staticmethod
    def pounds(pence: int) -> str:
        return f"£{pence / 100:,.2f}"

    @property
    def total(self) -> str:
        return self.pounds(self.total_pence)

    @property
    def unfunded(self) -> str:
        return self.pounds(self.unfunded_pence)

    @property
    def funded(self) -> str:
        return self.pounds(self.funded_pence)


def _funded_codes() -> list[str]:
    return [c.code for c in funding_sources().codes if c.get("funded")]


def hardening_at(address: Address) -> tuple[list[HardeningMeasure], FundingSummary]:
    items = hardening_measures_at(address)
    funded = set(_funded_codes())
    total = sum(i.cost_pence for i in items)
    paid = sum(i.cost_pence for i in items if i.funding in funded)
    return items, FundingSummary(total, paid, total - paid, len(items))


def hardening_measures_at(address: Address) -> list[HardeningMeasure]:
    """Read once per request: the address page and its timeline both show them."""
    return remembered(
        ("places.hardening_measures_at", address.pk),
        lambda: list(
            HardeningMeasure.objects.filter(address=address)
            .select_related("agency")
            .order_by("-created_at")
        ),
    ).copy()


@dataclass(frozen=True)
class TenureFunding:
    tenure: str
    label: str
    summary: FundingSummary


def hardening_by_tenure() -> list[TenureFunding]:
    """The partnership figure: cost, funded and unfunded by tenure, in one grouped query."""
    funded = _funded_codes()
    rows = (
        HardeningMeasure.objects.values("tenure")
        .annotate(
            total=Sum("cost_pence"),
            paid=Sum("cost_pence", filter=Q(funding__in=funded)),
            count=Count("id"),
        )
        .order_by("tenure")
    )
    labels = tenures()
    result = []
    for row in rows:
        total, paid = int(row["total"] or 0), int(row["paid"] or 0)
        result.append(
            TenureFunding(
                tenure=row["tenure"],
                label=labels.label(row["tenure"]),
                summary=FundingSummary(total, paid, total - paid, int(row["count"])),
            )
        )
    return result


# Leaflet drops: the register around a property -----------------------------------------


@dataclass(frozen=True)
class Nearby:
    address: Address
    metres: float


def nearby(address: Address, radius: int) -> list[Nearby]:
    """Register addresses within `radius` metres on the British National Grid, nearest
    first: an indexed bounding-box prefilter on easting/northing, then the exact distance."""
    if address.easting is None or address.northing is None:
        return []
    e, n = address.easting, address.northing
    box = Address.objects.filter(
        in_register=True,
        easting__gte=e - radius,
        easting__lte=e + radius,
        northing__gte=n - radius,
        northing__lte=n + radius,
    ).exclude(pk=address.pk)
    found = []
    for other in box.only(
        "pk", "uprn", "line1", "line2", "town", "postcode", "easting", "northing"
    ):
        metres = math.hypot(other.easting - e, other.northing - n)  # type: ignore[operator]
        if metres <= radius:
            found.append(Nearby(other, metres))
    return sorted(
        found, key=lambda item: (item.metres, item.address.postcode, _natural_key(item.address))
    )


def confirmed_cases_at(user: Any, address: Address) -> list[Any]:
    """Cases at the address the user may record on: a "confirmed property" has a case."""
    from nestguard.places.services.warnings import cases_for_marker

    return cases_for_marker(user, address)


# Repeat-address alerts ----------------------------------------------------------------


def open_repeat_alerts(user: Any) -> QuerySet[RepeatAddressAlert]:
    """The queue, for the police and ASB leads (`can_work_repeat_alerts`); nobody else."""
    from nestguard.places.services.repeats import can_work_repeat_alerts

    if not can_work_repeat_alerts(user):
        return RepeatAddressAlert.objects.none()
    return (
        RepeatAddressAlert.objects.filter(status=AlertStatus.OPEN)
        .select_related("address")
        .order_by("-raised_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Wards: the outlines of the dashboard's ward map (decision 0093). Geography, not personal data.


def ward_outlines() -> dict[str, dict[str, Any]]:
    """Each imported ward's outline (WGS84 GeoJSON geometry) by name."""
    return dict(WardBoundary.objects.order_by("name").values_list("name", "geometry"))


def ward_outlines_stamp() -> str:
    """What the ward outlines are now (how many, the newest change): one index-free aggregate
    of a few rows, for a page that keeps its map drawn (decision 0129)."""
    found = WardBoundary.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return f"{found['n']}|{found['at'].isoformat() if found['at'] else '-'}"
