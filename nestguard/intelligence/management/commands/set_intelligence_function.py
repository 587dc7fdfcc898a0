"""Name the partnership's intelligence function (decision 0097): the agency whose
intelligence officers grade, sanitise and share partner intelligence."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.accounts.models import Agency
from nestguard.intelligence.services.reports import intelligence_function_set


class Command(BaseCommand):
    help = "Name the agency that grades partner intelligence (the police, or the hub)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="The agency's name")
        parser.add_argument(
            "--no-second-check",
            action="store_true",
            help="Release sanitised versions without a second officer's check",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(name=options["agency"]).first()
        if agency is None:
            raise CommandError(f"agency: no agency is named {options['agency']!r}")
        try:
            intelligence_function_set(
                actor=None, agency=agency, second_check=not options["no_second_check"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        check = "without" if options["no_second_check"] else "with"
        self.stdout.write(f"{agency} is the intelligence function, {check} a second check")
