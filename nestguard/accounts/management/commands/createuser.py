from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.accounts.administration import enrolment_code_issue
from nestguard.accounts.management.commands._common import agency_by_name_or_id, raise_validation
from nestguard.accounts.models import Role
from nestguard.accounts.services import user_create


class Command(BaseCommand):
    help = (
        "Create a user non-interactively. The password is read from a file so that it never "
        "appears in the process list or shell history. Prints the user's id, then (unless "
        "--totp-secret pre-enrols an authenticator) their enrolment code, once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--agency", required=True, help="The agency's name or id")
        parser.add_argument(
            "--role", action="append", required=True, choices=Role.values, dest="roles"
        )
        parser.add_argument("--password-file", required=True, type=Path)
        parser.add_argument(
            "--totp-secret",
            default=None,
            help="Base32 secret: pre-enrols an authenticator for provisioning",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--job-title", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = agency_by_name_or_id(options["agency"])
        try:
            password = options["password_file"].read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise CommandError(f"Cannot read the password file: {exc.strerror}") from exc
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                agency=agency,
                roles=options["roles"],
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
                job_title=options["job_title"],
                totp_secret=options["totp_secret"],
            )
        except ValidationError as exc:
            raise_validation(exc)
        self.stdout.write(str(user.id))
        if not options["totp_secret"]:
            # Printed once: the person needs it to set up their authenticator app.
            _, code = enrolment_code_issue(actor=None, user=user)
            hours = settings.NESTGUARD_ENROLMENT_CODE_HOURS
            self.stdout.write(f"Enrolment code (works once, within {hours} hours): {code}")
