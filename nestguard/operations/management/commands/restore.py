from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nestguard.operations.backup import BackupError
from nestguard.operations.services import backup_restore_recorded


class Command(BaseCommand):
    help = (
        "Restore a backup made by `nestguard backup` into the configured database, which must "
        "be empty. Checks the backup's manifest and checksum first, and the restored row "
        "counts after."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="The backup file (its .manifest.json beside)")

    def handle(self, *args: object, **options: object) -> None:
        backup = options["file"]
        assert isinstance(backup, Path)
        try:
            manifest, restored = backup_restore_recorded(backup=backup.absolute())
        except BackupError as exc:
            raise CommandError(f"not restored: {exc}") from exc
        self.stdout.write(
            f"restored {backup.name} (made {manifest.created_at}): {len(restored)} tables, "
            f"{sum(restored.values())} rows, as its manifest says. Run `nestguard migrate` "
            "if this version of Nestguard is newer than the backup, then `nestguard "
            "audit_verify`."
        )
