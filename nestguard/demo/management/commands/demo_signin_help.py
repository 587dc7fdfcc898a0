"""`nestguard demo_signin_help`: how to sign in to the demo, persona by persona."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nestguard.demo.partnership import DEMO_PASSWORD, persona_rows
from nestguard.demo.seed import ProductionRefused, refuse_production

DEMO_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Print the demo's address, each persona's username, role and agency, and the password."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_production()
        except ProductionRefused as exc:
            raise CommandError("demo_signin_help is for the demo, not production") from exc
        rows = persona_rows()
        out = self.stdout.write
        out("")
        out(f"Nestguard demo: open {DEMO_URL} and sign in as any of these people.")
        out(f"Every demo user has the same password: {DEMO_PASSWORD}")
        out("")
        widths = {
            key: max(len(key), *(len(r[key]) for r in rows))
            for key in ("username", "roles", "agency")
        }
        header = "  ".join(f"{k.title():<{widths[k]}}" for k in widths) + "  Who they are"
        out(header)
        out("-" * len(header))
        for row in rows:
            out("  ".join(f"{row[k]:<{widths[k]}}" for k in widths) + f"  {row['persona']}")
        out("")
        if getattr(settings, "NESTGUARD_DEMO_SKIP_MFA", False):
            out(
                "MFA is skipped in demo mode (NESTGUARD_DEMO_SKIP_MFA): a banner on every page "
                "says so, and production settings refuse it."
            )
            out("To try the second factor, serve the same database with the development settings:")
            out(
                "  DJANGO_SETTINGS_MODULE=nestguard.settings.dev "
                "DATABASE_URL=sqlite:///var/demo.sqlite3 .venv/bin/nestguard runserver"
            )
            out("and enter the code for the user's secret from an authenticator app")
            out("(or `oathtool --totp -b SECRET`):")
        else:
            out("The second factor is ON in these settings. Each user's authenticator is already")
            out("set up with the secret below: add it to an authenticator app")
            out("(or `oathtool --totp -b SECRET`) and enter the six-digit code.")
        out("")
        width = widths["username"]
        for row in rows:
            out(f"  {row['username']:<{width}}  {row['totp_secret']}")
        out("")
