from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.accounts.management.commands._common import raise_validation
from nestguard.accounts.models import TokenScope, User
from nestguard.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Issue an API token for a user and print it once. Only its hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="", help="What the token is for")
        parser.add_argument(
            "--days", type=int, default=None, help="Days until it expires (default 90)"
        )
        parser.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.WRITE.value,
            help="read: refused on every change; write (the default): the user's full access",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {options['username']!r}")
        try:
            _, plain = api_token_create(
                actor=None,
                user=user,
                name=options["name"],
                days=options["days"],
                scope=options["scope"],
            )
        except ValidationError as exc:
            raise_validation(exc)
        self.stdout.write(plain)
