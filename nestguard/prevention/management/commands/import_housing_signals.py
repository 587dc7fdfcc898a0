"""nestguard import_housing_signals FILE.csv --agency NAME: receive a housing agency's signals.

The file has the columns uprn, signal, observed_on, amount, notes. Every bad row is reported
(row, column, reason) and then nothing is written, as for the address register.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.accounts.models import Agency
from nestguard.core.import_files import problem_report
from nestguard.prevention.services.signals import (
    SIGNAL_COLUMNS,
    SignalImportError,
    housing_signals_import,
)


class Command(BaseCommand):
    help = "Import housing signals from a CSV file with the columns: " + ", ".join(SIGNAL_COLUMNS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--agency", required=True, help="The sending housing agency's name, as registered"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        agency = Agency.objects.filter(name=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency is called {options['agency']!r}")
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                signals = housing_signals_import(
                    actor=None, agency=agency, stream=stream, source_name=path.name
                )
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except SignalImportError as exc:
            # Row, column and reason for each, as an import job's run reports them.
            self.stderr.write(problem_report([str(e) for e in exc.errors]))
            raise CommandError(
                f"{len(exc.errors)} problem(s) in {path.name}; nothing was imported"
            ) from None
        self.stdout.write(f"{len(signals)} signal(s) received from {agency.name}")
