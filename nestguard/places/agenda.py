"""The `repeat_addresses` agenda source (see `nestguard.core.agenda`): open repeat-address
alerts, for a panel's self-building agenda. Parameters (from the meeting type's rules):
`raised_within_days` (optional) keeps alerts raised in that many days before the meeting.

An alert names a place, never a case or a person, so the panel's `scope` (the cases and
people it may draw on) does not narrow it: repeat-address alerts are the partnership's
shared picture of places (docs/decisions/0073-panels-see-what-members-may-see.md); the door's
`for_panel` (decision 0070) says so."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from nestguard.access import door
from nestguard.core.agenda import AgendaCandidate, AgendaScope, register_agenda_source
from nestguard.core.calendar import UK
from nestguard.places.models import AlertStatus, RepeatAddressAlert


def repeat_addresses(
    *, as_of: date, params: Mapping[str, Any], scope: AgendaScope
) -> Iterator[AgendaCandidate]:
    alerts = (
        door.for_panel(scope, RepeatAddressAlert)
        .filter(status=AlertStatus.OPEN)
        .select_related("address")
    )
    until = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UK)
    alerts = alerts.filter(raised_at__lt=until)
    within = params.get("raised_within_days")
    if within is not None:
        if not isinstance(within, int) or isinstance(within, bool) or within < 1:
            raise ValueError("raised_within_days must be a positive whole number")
        alerts = alerts.filter(raised_at__gte=until - timedelta(days=within))
    for alert in alerts.order_by("raised_at", "pk"):
        yield AgendaCandidate(
            source="repeat_addresses",
            title=f"Repeat address: {alert.address.one_line}",
            reason=(
                f"{alert.report_count} reports within {alert.window_days} days (rule: "
                f"{alert.threshold} or more); raised {alert.raised_at.astimezone(UK):%-d %B %Y}"
            ),
            address_id=alert.address_id,
            key=f"address:{alert.address_id}",
        )


register_agenda_source("repeat_addresses", "Repeat addresses", repeat_addresses)
