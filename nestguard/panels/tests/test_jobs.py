"""The daily round of meeting scheduling as a job on the queue (panels.schedule_meetings)."""

from __future__ import annotations

from datetime import timedelta

from nestguard.jobs import enqueue
from nestguard.jobs.models import JobStatus
from nestguard.jobs.worker import drain
from nestguard.panels.models import Meeting
from nestguard.panels.services.meetings import meeting_hold


def test_the_job_schedules_the_next_meeting_by_cadence(personas, panel_world) -> None:  # type: ignore[no-untyped-def]
    meeting_hold(actor=panel_world.chair, meeting=panel_world.meeting)
    run = enqueue("panels.schedule_meetings")
    assert drain() == 1
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED, run.failure_reason
    following = Meeting.objects.get(panel=panel_world.panel, status="scheduled")
    assert following.meets_on == panel_world.meeting.meets_on + timedelta(days=28)
    assert run.summary.endswith("1 scheduled, 0 agendas brought up to date")
    assert following.reference in run.summary

    again = enqueue("panels.schedule_meetings")
    drain()
    again.refresh_from_db()
    assert again.summary == "0 scheduled, 0 agendas brought up to date"  # idempotent
