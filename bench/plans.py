"""Why is a page slow? Request the key pages of a seeded database in one process and print,
for each, its query count, time, the slowest queries and every step of their plans that
reads a whole large table (tests/query_plans.py; decision 0081).

    DATABASE_URL=sqlite:///var/bench/web-scale-160.sqlite3 .venv/bin/python bench/plans.py \
        [--user hub.caseworker] [--top 3] [--only case]

It prints figures and never asserts on them; tests/test_query_plans.py is the guard.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", action="store_true", help="print the slowest plans")
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    parser.add_argument("--large", type=int, default=5000, help="rows that make a table large")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="request each page this many more times and print the fastest wall-clock ms and "
        "the median CPU ms (time.process_time, which other work on the machine inflates less)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nestguard.settings.bench")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.key_pages import key_pages
    from tests.query_plans import explainable, large_tables, plan_lines, scans

    large = large_tables(args.large)
    print(f"large tables (>= {args.large:,} rows): {', '.join(sorted(large))}\n")
    for page, user, url in key_pages(args.only):
        name = page.name
        client = Client()
        client.force_login(user)
        client.get(url)  # warm: the first request of a process loads code lists
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        queries = captured.captured_queries
        print(
            f"== {name}  {url}  -> {response.status_code}, {len(queries)} queries, {elapsed:.0f} ms"
            f", {len(response.content):,} bytes"
        )
        if args.repeat > 1:
            walls, cpus = [], []
            for _ in range(args.repeat):
                started, cpu = time.perf_counter(), time.process_time()
                client.get(url)
                walls.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            cpus.sort()
            print(
                f"   of {args.repeat}: fastest {min(walls):.0f} ms, "
                f"median CPU {cpus[len(cpus) // 2]:.0f} ms"
            )
        slowest = sorted(queries, key=lambda q: -float(q["time"]))[: args.top]
        for q in slowest:
            print(f"   {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
        for q in queries:
            if not explainable(q["sql"]):
                continue
            for scan in scans(q["sql"], None, large):
                print(f"   SCAN {scan}")
        for q in slowest if args.plans else []:
            if explainable(q["sql"]):
                print(f"   plan of {q['sql'][:80]}")
                for line in plan_lines(q["sql"], None):
                    print(f"       {line}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
