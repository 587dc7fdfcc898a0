from argparse import ArgumentParser
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from nestguard.access import rules
from nestguard.accounts.models import User
from nestguard.reporting import case_daily, daily


class Command(BaseCommand):
    help = (
        "Compare the daily pre-aggregates of referral and case counts with a count from the "
        "records (decisions 0120, 0125); exit non-zero naming each count that differs. --count "
        "counts the days again first (after a restore, or to fill the aggregates ahead of the "
        "first report; without --from and --to, every day from the first record to today)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--user", required=True, help="A user who may report (counted as)")
        parser.add_argument("--from", dest="start", type=date.fromisoformat, default=None)
        parser.add_argument("--to", dest="end", type=date.fromisoformat, default=None)
        parser.add_argument("--count", action="store_true", help="Count the days again first")

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None or not rules.may_report(user):
            raise CommandError("--user must name an active user who may report")
        start, end = options["start"], options["end"]
        assert start is None or isinstance(start, date)
        assert end is None or isinstance(end, date)
        if options["count"]:
            if (start is None) != (end is None):
                raise CommandError("--count needs both --from and --to, or neither")
            if start is None or end is None:
                daily.fill(user)
                case_daily.fill(user)
            else:
                daily.count_days(user, start, end)
                # Cases open at the end of a period are running totals from the first case.
                first = case_daily.first_day(user)
                case_daily.count_days(user, min(first or start, start), end)
        found = [
            *daily.reconcile(user, start, end),
            *(m for m in case_daily.reconcile(user) if _within(m.day, start, end)),
        ]
        if found:
            lines = [
                f"{m.day} {m.measure}={m.value!r}: {m.stored} stored, {m.counted} counted"
                for m in found[:20]
            ]
            raise CommandError(
                f"{len(found)} daily count(s) differ from the records:\n" + "\n".join(lines)
            )
        span = daily.counted_span(start, end)
        held = f"{span[0]} to {span[1]}" if span else "no days"
        self.stdout.write(f"daily referral and case counts agree with the records ({held})")


def _within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)
