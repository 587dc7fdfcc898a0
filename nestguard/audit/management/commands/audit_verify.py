from django.core.management.base import BaseCommand, CommandError

from nestguard.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exit non-zero naming the first broken event."

    def handle(self, *args: object, **options: object) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"audit chain broken at event {report.first_broken_id}: {report.reason} "
                f"({report.checked} events before it are intact)"
            )
        self.stdout.write(f"audit chain intact: {report.checked} events")
