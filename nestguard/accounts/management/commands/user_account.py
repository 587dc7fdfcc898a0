from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.accounts import administration
from nestguard.accounts.management.commands._common import raise_validation
from nestguard.accounts.models import Role, User


class Command(BaseCommand):
    help = (
        "Change a person's account, audited: deactivate or reactivate it, add or remove a "
        "role, unlock it, reset its second factor or issue an enrolment code (printed once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        action = parser.add_mutually_exclusive_group(required=True)
        for flag in ("deactivate", "reactivate", "unlock", "reset-second-factor", "enrolment-code"):
            action.add_argument(f"--{flag}", action="store_true")
        action.add_argument("--add-role", choices=Role.values)
        action.add_argument("--remove-role", choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"]).first()
        if user is None:
            raise CommandError(f"No user is called {options['username']!r}")
        try:
            self.stdout.write(self._run(user, options))
        except ValidationError as exc:
            raise_validation(exc)

    def _run(self, user: User, options: dict[str, Any]) -> str:
        if options["add_role"]:
            administration.user_role_add(actor=None, user=user, role=options["add_role"])
            return f"{user.username} now has the role {options['add_role']}"
        if options["remove_role"]:
            administration.user_role_remove(actor=None, user=user, role=options["remove_role"])
            return f"{user.username} no longer has the role {options['remove_role']}"
        if options["reset_second_factor"]:
            _, plain = administration.user_second_factor_reset(actor=None, user=user)
            return plain
        if options["enrolment_code"]:
            _, plain = administration.enrolment_code_issue(actor=None, user=user)
            return plain
        if options["deactivate"]:
            administration.user_deactivate(actor=None, user=user)
            return f"{user.username} is deactivated"
        if options["reactivate"]:
            administration.user_reactivate(actor=None, user=user)
            return f"{user.username} is active"
        administration.user_unlock(actor=None, user=user)
        return f"{user.username} is unlocked"
