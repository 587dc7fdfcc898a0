from django.core.management.base import BaseCommand

from nestguard.audit.checks import chain_anchor_record


class Command(BaseCommand):
    help = (
        "Write the audit chain's latest position and hash to a new file under "
        "NESTGUARD_AUDIT_ANCHOR_DIR (run daily, and keep the folder out of the database's reach)."
    )

    def handle(self, *args: object, **options: object) -> None:
        anchor = chain_anchor_record()
        if anchor is None:
            self.stdout.write("the audit chain is empty: nothing to anchor")
            return
        self.stdout.write(f"anchored event {anchor.event_id} ({anchor.hash}) in {anchor.source}")
