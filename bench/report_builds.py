"""CPU time of one report build, in one process (decision 0120).

    DATABASE_URL=sqlite:///var/s16.sqlite3 DJANGO_SETTINGS_MODULE=nestguard.settings.bench \\
        nice -n 19 .venv/bin/python bench/report_builds.py [--only dashboard,partnership]

For the dashboard and each report, twelve months (the dashboard's last twelve complete months,
each report's twelve months to today) and a 90-day period, as the demo analyst, it builds the
true counts (`spec.build`, what the job queue's worker runs) three ways:

- "live": every table counted from the records (`NESTGUARD_REPORTS_DAILY` off: as before);
- "days cold": the daily pre-aggregate emptied first, so the build counts the period's days
  into it (the first build after the migration, or after the register changed);
- "days warm": the period's days already counted, so the build checks their fingerprints and
  sums them (any period whose days an earlier build or the check counted).

CPU time is `time.process_time` (SQLite's work runs in this process, so it is included; on a
loaded machine it is far steadier than wall-clock time, also printed). The register's ward
sizes are warmed first (cached for a day either way). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nestguard.settings.bench")


def _timed(func: Any) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    func()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated report names")
    parser.add_argument("--repeat", type=int, default=1, help="builds per figure (the least)")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="instead: the first build in the process and the least of two more, days kept",
    )
    parser.add_argument(
        "--tables",
        action="store_true",
        help="instead: CPU ms of each table of the partnership report, days warm",
    )
    options = parser.parse_args()

    import django

    django.setup()
    from django.test import override_settings

    from nestguard.accounts.models import User
    from nestguard.reporting import daily, measures
    from nestguard.reporting.dashboard import DASHBOARD
    from nestguard.reporting.models import CaseDay, ReferralDay
    from nestguard.reporting.period import default_period, last_complete_months
    from nestguard.reporting.registry import ReportRequest, report_specs

    analyst = User.objects.get(username="analyst")
    measures.reportable_wards(analyst)  # the register's ward sizes, cached for a day
    specs = [DASHBOARD, *report_specs()]
    if options.only:
        specs = [s for s in specs if s.name in options.only.split(",")]

    def best(func: Any) -> tuple[float, float]:
        return min((_timed(func) for _ in range(options.repeat)), key=lambda t: t[0])

    if options.tables:
        _tables(analyst)
        return
    if options.warm:
        _warm(analyst, specs)
        return
    print("| build | period | live CPU ms (wall) | days cold | days warm |")
    print("|---|---|---|---|---|")
    for spec in specs:
        twelve = last_complete_months() if spec is DASHBOARD else default_period()
        ninety = (twelve[1] - timedelta(days=89), twelve[1])
        for label, (start, end) in (("12 months", twelve), ("90 days", ninety)):

            def build(start: Any = start, end: Any = end, spec: Any = spec) -> None:
                spec.build(ReportRequest(analyst, start, end))

            with override_settings(NESTGUARD_REPORTS_DAILY=False):
                live = best(build)

            colds = []
            for _ in range(options.repeat):
                ReferralDay.objects.all().delete()
                CaseDay.objects.all().delete()
                colds.append(_timed(build))
            cold_t = min(colds, key=lambda t: t[0])
            warm = best(build)
            figures = " | ".join(f"{cpu:,.0f} ({wall:,.0f})" for cpu, wall in (live, cold_t, warm))
            print(f"| {spec.name} | {label} | {figures} |", flush=True)
    start, end = last_complete_months()
    # Counted first: the last "days cold" build above counted only its own 90 days.
    daily.current_days(analyst, start, end)
    check = best(lambda: daily.current_days(analyst, start, end))
    print(f"\nchecking a current twelve months' days: {check[0]:,.1f} CPU ms ({check[1]:,.1f})")


def _warm(analyst: Any, specs: list[Any]) -> None:
    """Each build as it is now, nothing emptied: the first in the process (it counts any
    stale days) and the least of two more (days counted). Short enough to run beside others."""
    from nestguard.reporting.dashboard import DASHBOARD
    from nestguard.reporting.period import default_period, last_complete_months
    from nestguard.reporting.registry import ReportRequest

    print("| build | period | first CPU ms (wall) | warm |")
    print("|---|---|---|---|")
    for spec in specs:
        twelve = last_complete_months() if spec is DASHBOARD else default_period()
        ninety = (twelve[1] - timedelta(days=89), twelve[1])
        for label, (start, end) in (("12 months", twelve), ("90 days", ninety)):

            def build(start: Any = start, end: Any = end, spec: Any = spec) -> None:
                spec.build(ReportRequest(analyst, start, end))

            first = _timed(build)
            warm = min((_timed(build) for _ in range(2)), key=lambda t: t[0])
            cells = " | ".join(f"{cpu:,.0f} ({wall:,.0f})" for cpu, wall in (first, warm))
            print(f"| {spec.name} | {label} | {cells} |", flush=True)


def _tables(analyst: Any) -> None:
    """Each table (and headline count) of the partnership report, twelve months and 90 days,
    with the days counted beforehand: where a build's time goes."""
    from nestguard.reporting import measures
    from nestguard.reporting.period import default_period
    from nestguard.reporting.registry import ReportRequest
    from nestguard.reporting.reports import partnership

    twelve = default_period()
    ninety = (twelve[1] - timedelta(days=89), twelve[1])
    parts = [
        *partnership.TABLES,
        measures.cases_opened_count,
        measures.cases_closed_count,
        measures.cases_open_at_end_count,
        measures.repeat_alerts_raised,
        lambda r: measures.referrals(r).count(),
    ]
    print("| part | 12 months CPU ms (wall) | 90 days |")
    print("|---|---|---|")
    for start, end in (twelve, ninety):
        partnership.build(ReportRequest(analyst, start, end))  # the days counted
    requests = [ReportRequest(analyst, *twelve), ReportRequest(analyst, *ninety)]
    for part in parts:
        name = getattr(part, "__name__", "referrals count")
        figures = [_timed(lambda r=r, p=part: p(r)) for r in requests]
        cells = " | ".join(f"{cpu:,.0f} ({wall:,.0f})" for cpu, wall in figures)
        print(f"| {name} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
