"""The places layer of the demo borough, built from the seeded cases in bulk (decision 0005):
people linked to their homes, warning markers on live cuckooing addresses (some due for
review, some lapsed), partner reports making a few repeat addresses, target hardening with
the funding gap for private tenants, and a few displaced victims. Synthetic data only."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction

from nestguard.cases.models import Case, CaseAddress, CaseSubject
from nestguard.core.calendar import UK
from nestguard.places.models import (
    Address,
    AddressReport,
    DisplacementAlert,
    HardeningMeasure,
    PersonAddressLink,
    WarningMarker,
)
from nestguard.places.services.repeats import repeat_address_scan

ADVICE = {
    "cuckooing": "Visit in pairs. Do not enter if people you do not expect are inside; "
    "leave and call the contact below.",
    "dogs": "Ask for dogs to be shut away before you enter.",
    "violence": "Do not visit alone. Arrange the visit with the contact below first.",
    "needles": "Wear gloves; look before you touch surfaces.",
}
COSTS = {"locks": 12_000, "door": 85_000, "alarm": 32_000, "cctv": 45_000, "intercom": 60_000}
FUNDING_BY_TENURE = {
    "council": ("hra", "hra", "council"),
    "housing_association": ("charity", "council", "unfunded"),
    "private_rented": ("unfunded", "unfunded", "charity", "police"),
    "owner_occupied": ("unfunded", "police", "charity"),
    "supported": ("council", "charity"),
    "unknown": ("unfunded",),
}


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=UK)


def seed_places(*, rng: random.Random, today: date) -> dict[str, int]:
    """Add the places rows for the cases already written; returns the counts."""
    cases = list(
        Case.objects.filter(addresses__isnull=False)
        .only("pk", "reference", "status", "closed_at", "opened_at", "concern_types",
              "lead_agency_id", "lead_worker_id")
        .distinct()
    )  # fmt: skip
    cuckooing = [c for c in cases if "cuckooing" in (c.concern_types or [])]
    homes: dict[Any, Any] = {}
    for case_address in CaseAddress.objects.filter(case__in=[c.pk for c in cuckooing]).order_by(
        "created_at"
    ):
        homes.setdefault(case_address.case_id, case_address.address_id)
    victims: dict[Any, Any] = {}
    for subject in CaseSubject.objects.filter(
        case__in=[c.pk for c in cuckooing], role__in=("victim", "person_at_risk")
    ):
        victims.setdefault(subject.case_id, subject.person_id)
    links: list[PersonAddressLink] = []
    markers: list[WarningMarker] = []
    hardening: list[HardeningMeasure] = []
    reports: list[AddressReport] = []
    moves: list[tuple[Case, Any, Any, date]] = []
    tenure = dict(Address.objects.filter(pk__in=set(homes.values())).values_list("pk", "tenure"))
    register = Address.objects.filter(in_register=True).order_by("pk")
    start = rng.randint(0, max(0, register.count() - 200))  # a random run, not ORDER BY RANDOM()
    spare = list(register.values_list("pk", flat=True)[start : start + 200])
    for case in cuckooing:
        home, person = homes.get(case.pk), victims.get(case.pk)
        if home is None:
            continue
        opened = case.opened_at.astimezone(UK).date()
        if person is not None:
            links.append(
                PersonAddressLink(
                    person_id=person, address_id=home, role="tenant",
                    from_date=opened - timedelta(days=rng.randint(60, 2000)), case_id=case.pk,
                )
            )  # fmt: skip
        if case.status != "closed" and case.lead_worker_id and rng.random() < 0.5:
            category = rng.choice(list(ADVICE))
            review = today + timedelta(days=rng.randint(-20, 120))
            expiry = review + timedelta(days=rng.randint(-30, 200))
            markers.append(
                WarningMarker(
                    address_id=home, category=category,
                    level=rng.choice(("low", "medium", "medium", "high")),
                    advice=ADVICE[category],
                    contact="Northbrook Exploitation Hub duty line, 01632 960 100",
                    owner_agency_id=case.lead_agency_id, owner_id=case.lead_worker_id,
                    case_id=case.pk, review_on=review, expires_on=max(expiry, review),
                    created_at=_at(max(opened, today - timedelta(days=300))),
                )
            )  # fmt: skip
        if case.status == "closed" and rng.random() < 0.45:
            funding_choices = FUNDING_BY_TENURE.get(tenure.get(home, "unknown"), ("unfunded",))
            fitted = opened + timedelta(days=rng.randint(3, 40))
            for measure in rng.sample(list(COSTS), rng.randint(1, 2)):
                hardening.append(
                    HardeningMeasure(
                        address_id=home, measure=measure,
                        cost_pence=COSTS[measure] + rng.randint(0, 40) * 500,
                        funding=rng.choice(funding_choices),
                        tenure=tenure.get(home, "unknown"), fitted_on=min(fitted, today),
                        agency_id=case.lead_agency_id, created_at=_at(min(fitted, today)),
                    )
                )  # fmt: skip
        closed = case.closed_at.astimezone(UK).date() if case.closed_at else None
        if closed and person and spare and (today - closed).days < 150 and rng.random() < 0.3:
            moves.append((case, person, home, closed))
    police = _police_agency_id()
    live = [c for c in cuckooing if c.status != "closed" and c.pk in homes]
    for case in rng.sample(live, min(len(live), 10)):
        home = homes[case.pk]
        for _ in range(rng.randint(2, 4)):
            day = today - timedelta(days=rng.randint(0, 80))
            reports.append(
                AddressReport(
                    address_id=home, kind=rng.choice(("incident", "partner_intelligence")),
                    occurred_on=day, summary="Several visitors seen arriving and leaving "
                    "within minutes, late at night.", agency_id=police or case.lead_agency_id,
                    created_at=_at(day),
                )
            )  # fmt: skip
    displaced: list[DisplacementAlert] = []
    with transaction.atomic():
        PersonAddressLink.objects.bulk_create(links, batch_size=2000)
        WarningMarker.objects.bulk_create(markers, batch_size=2000)
        HardeningMeasure.objects.bulk_create(hardening, batch_size=2000)
        AddressReport.objects.bulk_create(reports, batch_size=2000)
        for case, person, home, closed in moves[:8]:
            new_home = rng.choice(spare)
            if new_home == home:
                continue
            moved_on = min(today, closed + timedelta(days=rng.randint(5, 60)))
            link = PersonAddressLink.objects.create(
                person_id=person, address_id=new_home, role="resident", from_date=moved_on
            )
            displaced.append(
                DisplacementAlert(
                    person_id=person, from_address_id=home, to_address_id=new_home,
                    case=case, link=link, raised_at=_at(moved_on),
                    reason=f"its cuckooing case {case.reference} closed on {closed:%-d %B %Y}",
                )
            )  # fmt: skip
        DisplacementAlert.objects.bulk_create(displaced, ignore_conflicts=True)
    alerts = repeat_address_scan(actor=None, as_of=today)
    return {
        "person_address_links": len(links) + len(displaced),
        "warning_markers": len(markers),
        "hardening_measures": len(hardening),
        "address_reports": len(reports),
        "repeat_alerts": len(alerts),
        "displacement_alerts": len(displaced),
    }


def _police_agency_id() -> Any:
    from nestguard.accounts.models import Agency

    return Agency.objects.filter(type="police").values_list("pk", flat=True).first()
