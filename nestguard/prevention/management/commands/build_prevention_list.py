"""nestguard build_prevention_list [--week YYYY-MM-DD]: build a week's prevention list now
(the weekly job does it every Monday). Building the same week again changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.prevention.services.weekly import prevention_list_build


class Command(BaseCommand):
    help = "Build the prevention list of this week (or of the week containing --week)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="A date in the week to build (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        week = None
        if options["week"]:
            try:
                week = date.fromisoformat(options["week"])
            except ValueError:
                raise CommandError("--week must be a date like 2026-11-30") from None
        self.stdout.write(str(prevention_list_build(actor=None, week_start=week)))
