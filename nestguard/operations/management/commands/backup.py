from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nestguard.operations.backup import BackupError, backup_dir
from nestguard.operations.services import backup_make


class Command(BaseCommand):
    help = (
        "Back the database up while it runs (SQLite's online backup, or pg_dump's custom "
        "format) with a manifest of row counts and a SHA-256, to --output or to a new dated "
        "file in NESTGUARD_BACKUP_DIR. Never replaces an existing file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help=f"The file to write (default: a new dated file in {backup_dir()})",
        )

    def handle(self, *args: object, **options: object) -> None:
        output = options["output"]
        try:
            path, manifest = backup_make(output=output if isinstance(output, Path) else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"backed up {len(manifest.tables)} tables ({rows} rows) to {path} "
            f"({manifest.size} bytes, sha256 {manifest.sha256})"
        )
