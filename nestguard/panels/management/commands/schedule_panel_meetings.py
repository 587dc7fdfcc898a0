"""`nestguard schedule_panel_meetings`: keep every active panel's next meeting scheduled.

Run it daily (cron or a scheduled task). For each active panel without a meeting to come, it
schedules the next one by the panel's cadence; with --refresh it also brings the agendas of
meetings to come up to date. Either way each agenda builds from its rules and carries the
actions not yet done, as when a chair does it (the audit trail names the system as actor).
Idempotent: a second run the same day changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from nestguard.panels.models import Meeting, MeetingStatus, Panel
from nestguard.panels.services.meetings import meeting_agenda_build, meeting_schedule


class Command(BaseCommand):
    help = "Schedule each active panel's next meeting by its cadence; --refresh their agendas."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also bring agendas of meetings to come up to date",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        scheduled = refreshed = 0
        for panel in Panel.objects.filter(active=True).order_by("name"):
            upcoming = Meeting.objects.filter(
                panel=panel, meets_on__gte=today, status=MeetingStatus.SCHEDULED
            ).order_by("meets_on")
            if not upcoming.exists():
                meeting = meeting_schedule(actor=None, panel=panel)
                scheduled += 1
                self.stdout.write(f"{panel}: scheduled {meeting.reference} on {meeting.meets_on}")
            elif options["refresh"]:
                for meeting in upcoming:
                    meeting_agenda_build(actor=None, meeting=meeting)
                    refreshed += 1
        self.stdout.write(f"{scheduled} scheduled, {refreshed} agendas brought up to date")
