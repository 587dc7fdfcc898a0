from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from nestguard.audit.checks import chain_check_record, chain_verify_with_anchors


class Command(BaseCommand):
    help = (
        "Check the audit trail's keyed hash chain against its anchors; exit non-zero naming "
        "the first broken event. --record keeps the result (the daily job)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--record",
            action="store_true",
            help="Record the result where admins and auditors see it (run daily)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["record"]:
            check = chain_check_record()
            checked, broken, reason = check.events_checked, check.first_broken_id, check.reason
            anchors = check.anchors_compared
        else:
            report = chain_verify_with_anchors()
            checked, broken, reason = report.checked, report.first_broken_id, report.reason
            anchors = report.anchors_compared
        if broken is not None:
            raise CommandError(
                f"audit chain broken at event {broken}: {reason} "
                f"({checked} events before it are intact)"
            )
        self.stdout.write(f"audit chain intact: {checked} events, {anchors} anchors compared")
