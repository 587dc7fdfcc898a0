"""The prevention app's job (nestguard.jobs, decision 0080): the weekly prevention list,
scheduled daily in jobs/data/schedules.json with a weekday, as the restore drill is."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.prevention.services.weekly import prevention_list_build, prevention_purge

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@job(name="prevention.weekly_list", retries=2, title="Weekly prevention list", manual=True)
def weekly_list(progress: JobProgress, *, weekday: str = "", **kwargs: Any) -> str:
    """Build this week's prevention list from the housing signals, and delete signals and
    entries past retention. `weekday` (e.g. "Monday") builds on that day only; started by
    hand (no weekday) it builds now. Building a week again changes nothing."""
    if weekday and weekday not in WEEKDAYS:
        raise JobFailed(f"weekday must be one of {', '.join(WEEKDAYS)}, not {weekday!r}")
    today = WEEKDAYS[timezone.localdate().weekday()]
    if weekday and today != weekday:
        return f"Not run: the list is built on {weekday}s, and today is {today}"
    progress.update(message="Applying the prevention rules to the housing signals")
    result = prevention_list_build(actor=None)
    signals, entries = prevention_purge(actor=None)
    return f"{result}; past retention: {signals} signal(s) and {entries} entr(ies) deleted"
