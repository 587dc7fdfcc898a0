"""The built-in sources of a property's timeline (see `nestguard.places.registry`).

Case- and person-level entries are filtered by the access selectors (cases, referrals and
people the viewer may see). Property-level entries (warning markers, reports, repeat-address
alerts, target hardening) are for a viewer who may open the address page, or who works the
repeat-address queue (the police and ASB leads, who need the property's history to decide).
Each source runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

from django.urls import reverse

from nestguard.access import door
from nestguard.core.calendar import UK
from nestguard.places import selectors
from nestguard.places.models import (
    Address,
    AddressReport,
    RepeatAddressAlert,
)
from nestguard.places.registry import TimelineEntry, register_timeline_source


def _at(day: Any) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UK)


def may_see_property(user: Any, address: Any) -> bool:
    """Address page viewers and the repeat-address queue (answer kept for the request)."""
    cache: dict[Any, bool] = user.__dict__.setdefault("_places_property_seen", {})
    if address.pk not in cache:
        from nestguard.places.services.repeats import can_work_repeat_alerts

        cache[address.pk] = can_work_repeat_alerts(user) or (
            door.visible(user, Address).filter(pk=address.pk).exists()
        )
    return cache[address.pk]


def _referrals(user: Any, address: Any) -> Iterator[TimelineEntry]:
    for referral in selectors.referrals_at(user, address):
        if referral.submitted_at is None:
            continue
        yield TimelineEntry(
            source="referrals",
            when=referral.submitted_at,
            title=f"Referral {referral.reference} from {referral.referrer_agency.name}",
            detail=referral.get_status_display(),
            url=reverse("referrals:detail", args=[referral.pk]),
        )


def _cases(user: Any, address: Any) -> Iterator[TimelineEntry]:
    for link in selectors.case_links_at(user, address):
        case = link.case
        url = reverse("cases:detail", args=[case.pk])
        yield TimelineEntry(
            source="cases",
            when=case.opened_at,
            title=f"Case {case.reference} opened, led by {case.lead_agency.name}",
            detail=link.description,
            url=url,
        )
        if case.closed_at:
            yield TimelineEntry(
                source="cases",
                when=case.closed_at,
                title=f"Case {case.reference} closed",
                url=url,
                tag="Closed",
                tag_colour="grey",
            )


def _people(user: Any, address: Any) -> Iterator[TimelineEntry]:
    for link in selectors.links_at(user, address):
        until = f" to {link.to_date:%-d %B %Y}" if link.to_date else ""
        yield TimelineEntry(
            source="people",
            when=_at(link.from_date),
            title=f"{link.person.display_name} linked as {link.role_label.lower()}",
            detail=f"From {link.from_date:%-d %B %Y}{until}",
            url=reverse("people:detail", args=[link.person_id]),
        )


_STATE_TAGS = {
    "in_force": ("In force", "red"),
    "review_overdue": ("Review overdue", "orange"),
    "lapsed": ("Lapsed", "grey"),
    "withdrawn": ("Withdrawn", "grey"),
}


def _warnings(user: Any, address: Any) -> Iterator[TimelineEntry]:
    if not may_see_property(user, address):
        return
    for marker in selectors.markers_at(user, address):
        tag, colour = _STATE_TAGS[marker.state]
        yield TimelineEntry(
            source="warnings",
            when=marker.created_at,
            title=f"{marker.level_label} warning placed by {marker.owner_agency.name}",
            detail=(
                f"{marker.category_label}. Review by {marker.review_on:%-d %B %Y}; "
                f"expires {marker.expires_on:%-d %B %Y}"
            ),
            tag=tag,
            tag_colour=colour,
        )


def _reports(user: Any, address: Any) -> Iterator[TimelineEntry]:
    if not may_see_property(user, address):
        return
    from nestguard.places.services.repeats import can_work_repeat_alerts

    # The content of a report stays with the agency that made it and the queue's leads.
    full = can_work_repeat_alerts(user)
    for report in AddressReport.objects.filter(address=address).select_related("agency"):
        yield TimelineEntry(
            source="reports",
            when=_at(report.occurred_on),
            title=f"{report.kind_label} from {report.agency.name}",
            detail=report.summary if full or report.agency_id == user.agency_id else "",
        )


def _repeat_alerts(user: Any, address: Any) -> Iterator[TimelineEntry]:
    if not may_see_property(user, address):
        return
    for alert in RepeatAddressAlert.objects.filter(address=address):
        decided = f": {alert.decision_label}" if alert.decision else ""
        yield TimelineEntry(
            source="repeat_alerts",
            when=alert.raised_at,
            title=(
                f"Repeat-address alert ({alert.report_count} reports in {alert.window_days} days)"
            ),
            detail=f"{alert.get_status_display()}{decided}",
            tag="Open" if alert.status == "open" else "Decided",
            tag_colour="red" if alert.status == "open" else "green",
        )


def _hardening(user: Any, address: Any) -> Iterator[TimelineEntry]:
    if not may_see_property(user, address):
        return
    for item in selectors.hardening_measures_at(address):
        yield TimelineEntry(
            source="hardening",
            when=_at(item.fitted_on) if item.fitted_on else item.created_at,
            title=f"Target hardening: {item.measure_label}",
            detail=f"{item.cost}, {item.funding_label}",
            tag="Unfunded" if item.funding == "unfunded" else "",
            tag_colour="orange" if item.funding == "unfunded" else "",
        )


def _displacement(user: Any, address: Any) -> Iterator[TimelineEntry]:
    for alert in selectors.displacement_alerts_for(user, address=address):
        yield TimelineEntry(
            source="displacement",
            when=alert.raised_at,
            title=(
                f"Displacement: {alert.person.display_name} from {alert.from_address.one_line} "
                f"to {alert.to_address.one_line}"
            ),
            detail=f"Because {alert.reason}",
            url=reverse("cases:detail", args=[alert.case_id]),
            tag="Displacement",
            tag_colour="orange",
        )


register_timeline_source("referrals", "Referrals", _referrals)
register_timeline_source("cases", "Cases", _cases)
register_timeline_source("people", "People linked", _people)
register_timeline_source("warnings", "Warning markers", _warnings)
register_timeline_source("reports", "Partner intelligence and incidents", _reports)
register_timeline_source("repeat_alerts", "Repeat-address alerts", _repeat_alerts)
register_timeline_source("hardening", "Target hardening", _hardening)
register_timeline_source("displacement", "Displacement", _displacement)
