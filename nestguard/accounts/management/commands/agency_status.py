from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nestguard.accounts import administration
from nestguard.accounts.management.commands._common import agency_by_name_or_id


class Command(BaseCommand):
    help = (
        "Deactivate or reactivate an agency, audited. An inactive agency's users cannot sign "
        "in, keep a session or use API tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="The agency's name or id")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--deactivate", action="store_true")
        action.add_argument("--reactivate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = agency_by_name_or_id(options["agency"])
        if options["deactivate"]:
            administration.agency_deactivate(actor=None, agency=agency)
            self.stdout.write(f"{agency.name} is deactivated")
        else:
            administration.agency_reactivate(actor=None, agency=agency)
            self.stdout.write(f"{agency.name} is active")
