"""nestguard repeat_addresses: apply the repeat-address rule to every address (nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nestguard.places.services.repeats import repeat_address_scan


class Command(BaseCommand):
    help = "Raise repeat-address alerts where the rule (places/data/rules.json) is met"

    def handle(self, *args: Any, **options: Any) -> None:
        alerts = repeat_address_scan(actor=None)
        self.stdout.write(f"{len(alerts)} open repeat-address alert(s)")
