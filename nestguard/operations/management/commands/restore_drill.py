from django.core.management.base import BaseCommand, CommandError

from nestguard.operations.drill import restore_drill_run


class Command(BaseCommand):
    help = (
        "Restore the latest backup in NESTGUARD_BACKUP_DIR into a scratch database, verify its "
        "audit chain and row counts, and record the result for administrators (run weekly)."
    )

    def handle(self, *args: object, **options: object) -> None:
        drill = restore_drill_run()
        if not drill.passed:
            raise CommandError(
                f"restore drill failed ({drill.backup_name or 'no backup'}):\n- "
                + "\n- ".join(drill.differences)
            )
        self.stdout.write(
            f"restore drill passed: {drill.backup_name}, {drill.tables_compared} tables match "
            f"the manifest, {drill.events_verified} audit events verify ({drill.duration_ms} ms)"
        )
