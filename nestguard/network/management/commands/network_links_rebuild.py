"""`nestguard network_links_rebuild`: derive every link from its record again (decision 0098),
after a new link source is registered or an import that wrote records without saves."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nestguard.network.services.links import links_rebuild


class Command(BaseCommand):
    help = "Derive every link of the network from its source record again"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--kind", action="append", help="Only this source kind (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = links_rebuild(actor=None, kinds_=options.get("kind"))
        for kind, count in sorted(counts.items()):
            self.stdout.write(f"{kind}: {count} links")
