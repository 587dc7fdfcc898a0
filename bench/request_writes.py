"""What each key page writes: write statements, write transactions and how long the write
lock is held, per request, in this process (no server, no other client).

    DATABASE_URL=sqlite:////path/to/seeded.sqlite3 \\
        .venv/bin/python bench/request_writes.py [--requests 10] [--only 'case page,triage']

Under many clients SQLite lets one writer at a time; every write transaction a read page
opens queues behind the others' (issue 13 point 1). This prints, for each key page of
bench/web.py, the statements that wrote, the transactions that took the write lock
(SQLite's BEGIN IMMEDIATE, or the implicit transaction of a lone write statement), and the
milliseconds between taking the lock and committing. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


@dataclass
class Tally:
    """Per request: statements, writes, write transactions, lock-held milliseconds."""

    queries: int = 0
    writes: Counter[str] = field(default_factory=Counter)
    transactions: int = 0
    held_ms: float = 0.0
    lone_writes: int = 0


TALLY = Tally()
_BEGAN: list[float] = []


def _table(sql: str) -> str:
    match = re.search(r"(?:INTO|UPDATE|FROM)\s+\"?([a-z_0-9]+)", sql, re.I)
    return match.group(1) if match else "?"


def instrument() -> None:
    """Count statements, and time each write transaction from BEGIN to COMMIT."""
    from django.db import connection
    from django.db.backends.sqlite3.base import DatabaseWrapper

    begin = DatabaseWrapper._start_transaction_under_autocommit
    commit = DatabaseWrapper._commit
    rollback = DatabaseWrapper._rollback

    def timed_begin(self: Any) -> None:
        _BEGAN.append(time.perf_counter())
        TALLY.transactions += 1
        begin(self)

    def ended(self: Any, original: Callable[[Any], None]) -> None:
        original(self)
        if _BEGAN:
            TALLY.held_ms += (time.perf_counter() - _BEGAN.pop()) * 1000

    DatabaseWrapper._start_transaction_under_autocommit = timed_begin  # type: ignore[method-assign]
    DatabaseWrapper._commit = lambda self: ended(self, commit)  # type: ignore[method-assign]
    DatabaseWrapper._rollback = lambda self: ended(self, rollback)  # type: ignore[method-assign]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        TALLY.queries += 1
        if WRITE.match(sql):
            TALLY.writes[f"{WRITE.match(sql).group(1).upper()} {_table(sql)}"] += 1  # type: ignore[union-attr]
            if context["connection"].get_autocommit():
                TALLY.lone_writes += 1
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(wrapper)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated parts of page names")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nestguard.settings.bench")
    import django

    django.setup()
    from django.test import Client

    from bench.web import BENCH_USERS, CHAIR, referral_example, sample_targets
    from nestguard.accounts.models import User

    targets = sample_targets(200)
    # What a web process has built before it serves (at start-up or by the job): the address
    # register's index, so that no request below shares the interpreter with its build.
    from nestguard.linkage.address_index import build_address_index

    build_address_index()
    caseworker, chair = Client(), Client()
    caseworker.force_login(User.objects.get(username=BENCH_USERS[0]))
    chair.force_login(User.objects.get(username=CHAIR))
    api = Client(headers={"Authorization": f"Bearer {targets['token']}"})
    example = referral_example()
    rng = random.Random(3)

    def submit() -> Any:
        body = json.loads(json.dumps(example))
        if targets["addresses"]:
            body["address"] = dict(rng.choice(targets["addresses"]))
        return api.post("/api/v1/referrals/", json.dumps(body), content_type="application/json")

    pages: list[tuple[str, Callable[[], Any]]] = [
        ("/health/", lambda: caseworker.get("/health/")),
        ("case list", lambda: caseworker.get("/cases/")),
        ("case page", lambda: caseworker.get(f"/cases/{rng.choice(targets['case_ids'])}/")),
        ("triage queue", lambda: caseworker.get("/referrals/triage/")),
        (
            "address page",
            lambda: caseworker.get(f"/addresses/{rng.choice(targets['address_ids'])}/"),
        ),
        ("person page", lambda: caseworker.get(f"/people/{rng.choice(targets['person_ids'])}/")),
        (
            "panel agenda",
            lambda: chair.get(f"/panels/meetings/{rng.choice(targets['meeting_ids'])}/"),
        ),
        ("due and overdue", lambda: caseworker.get("/due/")),
        ("POST /api/v1/referrals/", submit),
    ]
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        pages = [p for p in pages if any(w in p[0] for w in wanted)]
    instrument()
    print(
        f"{'page':<26}{'status':>7}{'ms':>8}{'queries':>9}{'writes':>8}{'lone':>6}"
        f"{'txns':>6}{'held ms':>9}  what wrote (per request)"
    )
    for name, call in pages:
        call()  # warm-up
        rows: list[tuple[int, float, Tally]] = []
        for _ in range(args.requests):
            global TALLY
            TALLY = Tally()
            started = time.perf_counter()
            response = call()
            rows.append((response.status_code, (time.perf_counter() - started) * 1000, TALLY))
        n = len(rows)
        wrote: Counter[str] = Counter()
        for _s, _ms, t in rows:
            wrote.update(t.writes)
        what = ", ".join(f"{k} {v / n:g}" for k, v in wrote.most_common())
        print(
            f"{name:<26}{rows[-1][0]:>7}{statistics.median(r[1] for r in rows):>8.1f}"
            f"{sum(r[2].queries for r in rows) / n:>9.1f}"
            f"{sum(sum(r[2].writes.values()) for r in rows) / n:>8.1f}"
            f"{sum(r[2].lone_writes for r in rows) / n:>6.1f}"
            f"{sum(r[2].transactions for r in rows) / n:>6.1f}"
            f"{statistics.median(r[2].held_ms for r in rows):>9.2f}  {what}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
