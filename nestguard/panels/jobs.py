"""The panels app's jobs (nestguard.jobs): the daily round of meeting scheduling."""

from __future__ import annotations

from nestguard.jobs import JobProgress, job
from nestguard.panels.services.meetings import meetings_schedule_due


@job(name="panels.schedule_meetings", retries=2, title="Panel meeting scheduling", manual=True)
def schedule_meetings(progress: JobProgress, *, refresh: bool = False) -> str:
    """Give each active panel its next meeting by its cadence (as
    `nestguard schedule_panel_meetings`)."""
    progress.update(message="Scheduling each active panel's next meeting")
    return "\n".join(meetings_schedule_due(refresh=refresh))
