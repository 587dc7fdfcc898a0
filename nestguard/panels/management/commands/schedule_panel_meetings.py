"""`nestguard schedule_panel_meetings`: keep every active panel's next meeting scheduled.

Runs daily as the job `panels.schedule_meetings` (nestguard/jobs/data/schedules.json); this
command does the same round by hand. For each active panel without a meeting to come, it
schedules the next one by the panel's cadence; with --refresh it also brings the agendas of
meetings to come up to date. Either way each agenda builds from its rules and carries the
actions not yet done, as when a chair does it (the audit trail names the system as actor).
Idempotent: a second run the same day changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nestguard.panels.services.meetings import meetings_schedule_due


class Command(BaseCommand):
    help = "Schedule each active panel's next meeting by its cadence; --refresh their agendas."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also bring agendas of meetings to come up to date",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for line in meetings_schedule_due(refresh=options["refresh"]):
            self.stdout.write(line)
