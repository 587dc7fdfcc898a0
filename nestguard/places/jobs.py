"""The places app's jobs (nestguard.jobs): the nightly repeat-address rule."""

from __future__ import annotations

from nestguard.jobs import JobProgress, job
from nestguard.places.services.repeats import repeat_address_scan


@job(name="places.repeat_addresses", retries=2, title="Repeat addresses", manual=True)
def repeat_addresses(progress: JobProgress) -> str:
    """Apply the repeat-address rule (places/data/rules.json) to every address."""
    progress.update(message="Applying the repeat-address rule to every address")
    alerts = repeat_address_scan(actor=None)
    return f"{len(alerts)} open repeat-address alert(s)"
