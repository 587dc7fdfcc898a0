from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from nestguard.accounts.management.commands._common import raise_validation
from nestguard.accounts.models import agency_types
from nestguard.accounts.services import agency_create


class Command(BaseCommand):
    help = "Create a partner agency and print its id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, help=", ".join(agency_types().values))
        parser.add_argument("--hub", action="store_true", help="Its caseworkers triage referrals")
        parser.add_argument(
            "--first-responder",
            action="store_true",
            help="A first responder organisation for the National Referral Mechanism",
        )
        parser.add_argument("--contact-name", default="")
        parser.add_argument("--contact-email", default="")
        parser.add_argument("--contact-phone", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency = agency_create(
                actor=None,
                name=options["name"],
                type=options["type"],
                is_hub=options["hub"],
                is_first_responder=options["first_responder"],
                contact_name=options["contact_name"],
                contact_email=options["contact_email"],
                contact_phone=options["contact_phone"],
            )
        except ValidationError as exc:
            raise_validation(exc)
        self.stdout.write(str(agency.id))
