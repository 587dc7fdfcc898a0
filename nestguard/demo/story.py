"""What the demo borough's history says when the dashboard draws it (issue 11, point 7;
decision 0093). Three things an analyst should find without being told:

- seasonality: referrals rise in the summer holidays and in the autumn and fall away at
  Christmas and in the new year. Plans are moved back by whole weeks (so a weekday stays a
  weekday and every later moment of a case moves with it): part of late December into the
  summer holidays, part of January and February into the autumn;
- a hotspot: cuckooing concentrates in one ward (Gorsemoor), which has clearly more cuckooing
  referrals than any other though not the most referrals of every kind;
- a displacement: after the partial closure order on one property (seeded by
  demo/enforcement.py), partner reports stop there and start at a nearby address, where the
  victim is then linked; places' displacement rule raises its alert.

It biases the existing generators rather than adding rows, and uses random generators of its
own, so the rest of the borough is drawn as before. The ward outlines (a 5 x 4 grid of 2 km
squares, demo/borough.py) are loaded here too, for the ward map.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction

from nestguard.core.calendar import UK
from nestguard.demo.borough import ward_outlines
from nestguard.demo.names import WARDS
from nestguard.demo.plans import CasePlan, ReferralPlan, Timeline

HOTSPOT_WARD = "Gorsemoor"
# The share of cuckooing addresses moved to the hotspot ward (it would have about 6%).
HOTSPOT_SHARE = 0.25
# (month, first day, share moved, weeks back): late December to the summer holidays, January
# and February to the autumn.
SEASONAL_MOVES = ((12, 10, 0.55, 19), (1, 1, 0.3, 17), (2, 1, 0.3, 17))
# Partner reports at the closed property before its order, and at the nearby one after.
REPORTS_BEFORE, REPORTS_AFTER = 6, 7


def shape_history(
    *,
    seed: int,
    timeline: Timeline,
    cases: list[CasePlan],
    others: list[ReferralPlan],
    profile: dict[str, Any],
) -> None:
    """Bias the planned history before its rows are built: the seasons and the hotspot."""
    rng = random.Random(seed + 93)
    for plan in cases:
        if plan.status == "closed":
            _move_case(rng, timeline, plan)
    for referral in others:
        if referral.kind in ("declined", "redirected"):
            weeks = _weeks_back(rng, referral.submitted_at)
            if weeks and referral.submitted_at - timedelta(weeks=weeks) > timeline.start:
                _shift(referral, weeks)
    cases.sort(key=lambda p: p.opened_at)
    others.sort(key=lambda p: p.submitted_at)
    profile["cuckooing_hotspot"] = {  # read by demo/history.py
        "ward": WARDS.index(HOTSPOT_WARD),
        "share": HOTSPOT_SHARE,
        "seed": seed + 95,
    }


def _weeks_back(rng: random.Random, moment: datetime) -> int:
    local = moment.astimezone(UK)
    for month, first_day, share, weeks in SEASONAL_MOVES:
        if local.month == month and local.day >= first_day and rng.random() < share:
            return weeks
    return 0


def _move_case(rng: random.Random, timeline: Timeline, plan: CasePlan) -> None:
    weeks = _weeks_back(rng, plan.origin.submitted_at)
    if not weeks or plan.origin.submitted_at - timedelta(weeks=weeks) <= timeline.start:
        return
    delta = timedelta(weeks=weeks)
    plan.opened_at -= delta
    if plan.closed_at is not None:
        plan.closed_at -= delta
    for referral in (plan.origin, *plan.merged):
        _shift(referral, weeks)


def _shift(referral: ReferralPlan, weeks: int) -> None:
    delta = timedelta(weeks=weeks)
    referral.submitted_at -= delta
    if referral.decided_at is not None:
        referral.decided_at -= delta


def tell_displacement(*, seed: int, today: date) -> dict[str, int]:
    """Reports move from the property under a closure order to a nearby one; the ward
    outlines are loaded for the map. Returns the counts added."""
    from nestguard.cases.models import CaseSubject
    from nestguard.enforcement.models import EnforcementAction
    from nestguard.places.models import AddressReport, PersonAddressLink
    from nestguard.places.services.links import displacement_check
    from nestguard.places.services.wards import ward_boundaries_replace

    ward_boundaries_replace(actor=None, wards=ward_outlines(), source="Northbrook demo grid")
    counts = {"ward_boundaries": len(WARDS), "story_reports": 0, "story_displacements": 0}
    order = (
        EnforcementAction.objects.filter(step="closure_order", case__isnull=False)
        .select_related("address")
        .order_by("taken_at")
        .first()
    )
    if order is None or order.case_id is None:
        return counts
    person_id = (
        CaseSubject.objects.filter(
            case_id=order.case_id, role__in=("victim", "suspected_exploiter")
        )
        .order_by("role", "person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    if person_id is None:
        return counts
    closed_on = order.taken_at.astimezone(UK).date()
    nearby = _nearest(order.address)
    if nearby is None:
        return counts
    rng = random.Random(seed + 94)
    reports = [
        _report(order.address_id, order.agency_id, closed_on - timedelta(days=rng.randint(7, 150)))
        for _ in range(REPORTS_BEFORE)
    ]
    after = max(1, (today - closed_on).days - 1)
    reports += [
        _report(nearby.pk, order.agency_id, closed_on + timedelta(days=rng.randint(1, after)))
        for _ in range(REPORTS_AFTER)
    ]
    with transaction.atomic():
        AddressReport.objects.bulk_create(reports)
        # The reports the places layer drew there after the order belong next door now.
        AddressReport.objects.filter(address=order.address, occurred_on__gt=closed_on).update(
            address=nearby
        )
        link = PersonAddressLink.objects.create(
            person_id=person_id,
            address=nearby,
            role="resident",
            from_date=closed_on + timedelta(days=min(after, 12)),
        )
        alerts = displacement_check(actor=None, link=link)
    counts.update(story_reports=len(reports), story_displacements=len(alerts))
    return counts


def _nearest(address: Any) -> Any:
    """The closest other register address (by the grid), within the same ward if possible."""
    from nestguard.places.models import Address

    if address.easting is None:
        return None
    box = 400
    candidates = Address.objects.filter(
        in_register=True,
        easting__range=(address.easting - box, address.easting + box),
        northing__range=(address.northing - box, address.northing + box),
    ).exclude(pk=address.pk)
    return min(
        candidates,
        key=lambda a: (a.easting - address.easting) ** 2 + (a.northing - address.northing) ** 2,
        default=None,
    )


def _report(address_id: Any, agency_id: Any, day: date) -> Any:
    from nestguard.places.models import AddressReport

    return AddressReport(
        address_id=address_id,
        kind="partner_intelligence",
        occurred_on=day,
        summary="Visitors arriving and leaving within minutes; a local dealer's phone number "
        "seen on the door.",
        agency_id=agency_id,
        created_at=datetime.combine(day, time(14, 0), tzinfo=UK),
    )
