"""nestguard export_addresses FILE.csv: write the register in the import format (the demo
borough's register, for instance, to load into another system or back with import_addresses)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nestguard.places.models import Address
from nestguard.places.services.register import write_register


class Command(BaseCommand):
    help = "Write the address register as CSV in the import_addresses format"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        rows = Address.objects.filter(in_register=True, uprn__isnull=False).order_by("uprn")
        with options["file"].open("w", encoding="utf-8", newline="") as stream:
            count = write_register(stream, rows.iterator(chunk_size=2000))
        self.stdout.write(f"{count} addresses written to {options['file']}")
