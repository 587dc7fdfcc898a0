from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.accounts.management.commands._common import raise_validation
from nestguard.accounts.models import SharingAgreement
from nestguard.accounts.services import sharing_agreement_end


class Command(BaseCommand):
    help = (
        "End a sharing agreement now (audited). Partner users named on case teams lose "
        "access at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--id", required=True, help="The agreement's id")
        parser.add_argument("--reason", required=True, help="Why it is ending")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agreement = SharingAgreement.objects.get(pk=uuid.UUID(options["id"]))
        except (ValueError, SharingAgreement.DoesNotExist):
            raise CommandError(f"No sharing agreement has the id {options['id']!r}") from None
        try:
            sharing_agreement_end(actor=None, agreement=agreement, reason=options["reason"])
        except ValidationError as exc:
            raise_validation(exc)
        self.stdout.write(f"ended {agreement.name}")
