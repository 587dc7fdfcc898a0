from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.accounts.management.commands._common import agency_by_name_or_id, raise_validation
from nestguard.accounts.models import lawful_bases
from nestguard.accounts.services import sharing_agreement_create


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Record an information sharing agreement between agencies and print its id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--party",
            action="append",
            required=True,
            dest="parties",
            help="An agency's name or id; repeat for each party",
        )
        parser.add_argument("--purposes", required=True)
        parser.add_argument("--lawful-basis", required=True, help=", ".join(lawful_bases().values))
        parser.add_argument("--starts", required=True, help="YYYY-MM-DD")
        parser.add_argument("--review", required=True, help="YYYY-MM-DD")
        parser.add_argument("--ends", default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agreement = sharing_agreement_create(
                actor=None,
                name=options["name"],
                parties=[agency_by_name_or_id(p) for p in options["parties"]],
                purposes=options["purposes"],
                lawful_basis=options["lawful_basis"],
                starts_on=iso_date(options["starts"]),
                review_on=iso_date(options["review"]),
                ends_on=iso_date(options["ends"]) if options["ends"] else None,
            )
        except ValidationError as exc:
            raise_validation(exc)
        self.stdout.write(str(agreement.id))
