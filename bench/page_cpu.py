"""What one request of each key page costs in CPU, in this process with no other client:
the figure that decides a page's p95 under many clients on a machine of few cores (issue 13
point 1: under saturation a request waits for the others' CPU, so a page's latency follows
its CPU cost per request). It leaves out what a server adds: Django's test client keeps one
database connection for every request (as web threads do since decision 0145), and there are
no other threads in the process to take turns at the GIL with.

    DATABASE_URL=sqlite:////path/to/seeded.sqlite3 \\
        .venv/bin/python bench/page_cpu.py [--repeat 5] [--only 'case page,triage'] \\
        [--profile 25] [--sort tottime]

For each endpoint of bench/web.py's key pages (the same users and the same kind of targets
as bench/request_writes.py, picked with a fixed seed), one warm-up, then `--repeat` requests:
the median CPU milliseconds (`time.process_time`: SQLite's work in this thread included,
other work on the machine inflates it less than wall-clock time), the median wall
milliseconds, the queries per request and the bytes of the answer. `--profile N` runs cProfile
over the repeats and prints the N costliest functions. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The reports bench/web.py opens at their default period besides the partnership report.
REPORTS = ("project_evaluation", "county_lines_review", "missing_episodes", "equality_monitoring")


def _view(client: Any, path: str) -> Callable[[random.Random], Any]:
    return lambda r: client.get(path)


def _new_period(rng: random.Random, today: datetime.date) -> str:
    start = today - datetime.timedelta(days=rng.randint(90, 700))
    return f"/reports/partnership/?from={start}&to={start + datetime.timedelta(days=89)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated parts of page names")
    parser.add_argument("--profile", type=int, default=0, help="print this many functions")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nestguard.settings.bench")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings

    from bench.web import ANALYST, BENCH_USERS, CHAIR, referral_example, sample_targets
    from nestguard.accounts.models import User

    targets = sample_targets(200)
    # What a web process has built before its first referral (at start-up or by the job):
    # the address register's index, so that no figure below includes building it.
    from nestguard.linkage.address_index import build_address_index

    started = time.process_time()
    build_address_index()
    print(f"(address index built in {time.process_time() - started:.1f} CPU s)", flush=True)
    caseworker, chair = Client(), Client()
    caseworker.force_login(User.objects.get(username=BENCH_USERS[0]))
    chair.force_login(User.objects.get(username=CHAIR))
    api = Client(headers={"Authorization": f"Bearer {targets['token']}"})
    # The analyst's views, as bench/web.py drives them: the dashboard and each report at its
    # default period (prepared by the first request, shown from the copy after), and the
    # partnership report's API for the same twelve months.
    analyst = Client()
    analyst.force_login(User.objects.get(username=ANALYST))
    analyst_api = Client(headers={"Authorization": f"Bearer {targets['analyst_token']}"})
    today = datetime.date.today()
    year = f"?from={today.replace(day=1) - datetime.timedelta(days=365)}&to={today}"
    example = referral_example()

    def submit(rng: random.Random) -> Any:
        body = json.loads(json.dumps(example))
        if targets["addresses"]:
            body["address"] = dict(rng.choice(targets["addresses"]))
        return api.post("/api/v1/referrals/", json.dumps(body), content_type="application/json")

    pages: list[tuple[str, Callable[[random.Random], Any]]] = [
        ("/health/", lambda r: caseworker.get("/health/")),
        ("case list", lambda r: caseworker.get("/cases/")),
        ("case page", lambda r: caseworker.get(f"/cases/{r.choice(targets['case_ids'])}/")),
        ("triage queue", lambda r: caseworker.get("/referrals/triage/")),
        (
            "address page",
            lambda r: caseworker.get(f"/addresses/{r.choice(targets['address_ids'])}/"),
        ),
        ("person page", lambda r: caseworker.get(f"/people/{r.choice(targets['person_ids'])}/")),
        (
            "panel agenda",
            lambda r: chair.get(f"/panels/meetings/{r.choice(targets['meeting_ids'])}/"),
        ),
        ("due and overdue", lambda r: caseworker.get("/due/")),
        ("POST /api/v1/referrals/", submit),
        ("dashboard", lambda r: analyst.get("/dashboard/")),
        ("partnership report", lambda r: analyst.get("/reports/partnership/" + year)),
        (
            "GET /api/v1/reports/partnership/",
            lambda r: analyst_api.get("/api/v1/reports/partnership/" + year),
        ),
        *(
            (f"{name.replace('_', ' ')} report", _view(analyst, f"/reports/{name}/"))
            for name in REPORTS
        ),
        # A period nobody has asked for: "being prepared" (its build queued) or counted in the
        # request (decision 0120 point 5), as the settings say.
        ("partnership report, new period", lambda r: analyst.get(_new_period(r, today))),
    ]
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        pages = [p for p in pages if any(w in p[0] for w in wanted)]
    counted = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[0] += 1
        return execute(sql, params, many, context)

    print(f"{'page':<26}{'status':>7}{'CPU ms':>8}{'wall ms':>9}{'queries':>9}{'bytes':>9}")
    for name, call in pages:
        rng = random.Random(7)
        # The warm-up counts a report view nobody has prepared in the request (a deployment's
        # schedule keeps the default views prepared): the repeats show the prepared copy.
        with override_settings(NESTGUARD_REPORTS_PREPARE="inline"):
            call(random.Random(0) if "new period" in name else rng)
        cpus, walls, queries, size, status = [], [], [], 0, 0
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        for _ in range(args.repeat):
            counted[0] = 0
            # A wrapper rather than CaptureQueriesContext: the debug cursor's own work (every
            # statement's SQL formatted) would count as the page's CPU.
            with connection.execute_wrapper(count):
                wall, cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                response = call(rng)
                if profiler:
                    profiler.disable()
                cpus.append((time.process_time() - cpu) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
            queries.append(counted[0])
            size, status = len(response.content), response.status_code
        print(
            f"{name:<26}{status:>7}{statistics.median(cpus):>8.1f}{statistics.median(walls):>9.1f}"
            f"{statistics.median(queries):>9.0f}{size:>9,}",
            flush=True,
        )
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.profile)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
