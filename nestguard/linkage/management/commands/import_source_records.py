"""nestguard import_source_records FILE --agency NAME --system NAME [--map field=column ...]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.accounts.models import User
from nestguard.linkage.services.imports import (
    ENCODINGS,
    ImportRejected,
    source_records_import,
)


class Command(BaseCommand):
    help = "Import a CSV file of an agency's people into the person index (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="The data officer importing (username)")
        parser.add_argument("--system", required=True, help="The system the records come from")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="A column of another name for a field, e.g. --map given_name=Forename",
        )
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-8-sig")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}")
        mapping = None
        if options["map"]:
            pairs = [item.split("=", 1) for item in options["map"]]
            if any(len(p) != 2 for p in pairs):
                raise CommandError("Write each --map as field=column")
            mapping = {field: field for field in ("record_id",)}
            mapping.update({f.strip(): c.strip() for f, c in pairs})
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = source_records_import(
                actor=user,
                system=options["system"],
                data=data,
                filename=options["file"].name,
                mapping=mapping,
                encoding=options["encoding"],
                progress=self._progress if options["verbosity"] >= 2 else None,
            )
        except ImportRejected as exc:
            for problem in exc.row_errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{exc.total} problem(s): nothing was imported") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for doubt in result.doubtful:
            self.stderr.write(f"doubtful: {doubt}")
        self.stdout.write(
            f"Imported {result.created} new record(s); {result.already_held} already held; "
            f"{len(result.doubtful)} doubtful value(s) kept as sent."
        )

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
