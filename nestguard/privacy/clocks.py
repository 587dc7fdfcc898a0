"""The ICO clock of the breach log, registered in `nestguard.core.clocks`: 72 hours from
awareness (Article 33(1)) for every open breach not yet reported and not decided against.
Its items are the breaches the door shows the user (their agency's, to its data protection
officers), the same with team=True: the log belongs to the agency, not to one officer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access.door import visible
from nestguard.core.clocks import DueItem, register_clock_source
from nestguard.core.links import reverser
from nestguard.privacy.models import ICO_HOURS, Breach


def ico_deadlines(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    breaches = (
        visible(user, Breach)
        .filter(closed_at__isnull=True, ico_notified_at__isnull=True)
        .exclude(notify_ico=False)
    )
    link = reverser("privacy:breach")
    # Most urgent first (the earliest awareness), read in chunks: the view keeps the first.
    for breach in breaches.order_by("aware_at", "pk").iterator(chunk_size=100):
        yield DueItem(
            source="breach_ico",
            title=f"Report breach {breach.reference} to the ICO or decide not to",
            due_at=breach.ico_due_at,
            url=link(breach.pk),
            owner_label=breach.reference,
            rule=f"{ICO_HOURS} hours from awareness (UK GDPR Article 33(1))",
        )


register_clock_source("breach_ico", "Breaches to report to the ICO", ico_deadlines)
