"""nestguard import_addresses FILE.csv: load or refresh the partnership's address register.

Every bad row is reported (row, column, reason) and then nothing is written; a good file is
upserted on UPRN in batches, so running it twice changes nothing the second time.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.places.services.register import (
    BATCH_SIZE,
    REGISTER_COLUMNS,
    RegisterImportError,
    address_register_import,
)

# Report this many problems in full; beyond it, the count (a wrong file has one per row).
MAX_REPORTED = 500


class Command(BaseCommand):
    help = "Import the address register from a CSV file with the columns: " + ", ".join(
        REGISTER_COLUMNS
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        started = time.monotonic()
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                result = address_register_import(
                    actor=None,
                    stream=stream,
                    source_name=path.name,
                    batch_size=max(1, options["batch_size"]),
                    progress=self._progress if options["verbosity"] >= 2 else None,
                )
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
        except RegisterImportError as exc:
            for error in exc.errors[:MAX_REPORTED]:
                self.stderr.write(str(error))
            if len(exc.errors) > MAX_REPORTED:
                self.stderr.write(f"... and {len(exc.errors) - MAX_REPORTED} more")
            raise CommandError(
                f"{len(exc.errors)} problem(s) in {path.name}; nothing was imported"
            ) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{result.rows} rows: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged ({seconds:.1f} s)"
        )

    def _progress(self, written: int, total: int) -> None:
        self.stdout.write(f"{written:,} of {total:,} rows written (not yet committed)")
        self.stdout.flush()
