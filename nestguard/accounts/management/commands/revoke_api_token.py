from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.accounts.models import ApiToken
from nestguard.accounts.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke API tokens by the prefix shown when they were issued (e.g. ng_AbC123)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        tokens = list(ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True))
        if not tokens:
            raise CommandError(f"No active token starts with {options['prefix']!r}")
        for token in tokens:
            api_token_revoke(actor=None, token=token)
        self.stdout.write(f"revoked {len(tokens)} token(s)")
