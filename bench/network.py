"""Network benchmark: the two-step neighbourhood and the network page on a big graph.

    .venv/bin/python bench/network.py [--entities 1000000] [--links 3000000] [--queries 300]
                                      [--database-url URL]

1. Makes a fresh SQLite file under /work/scale160/ (or var/bench/ when that is absent; or
   uses --database-url, an empty database) and migrates it.
2. Generates --entities synthetic entities (phones 70%, vehicles 29%, lines 1%) and --links
   links with bulk inserts (executemany, the link indexes dropped during the load and built
   after, as a bulk load would): each line has about 20 numbers, the rest tie random phones
   and vehicles, with dates over three years and 3x5x2 grades (a random pair drawn twice is
   stored once, as the unique constraint says; the count stored is printed). Every link's
   source is one of a few links by hand of the benchmark's agency, so that the viewer's
   visibility filter (the door's, with every registered source) is in the query as it is on
   the page.
3. Times the two-step neighbourhood (`network.selectors.neighbourhood` over
   `door.visible(user, Link)`) from random entities, p50 and p95, beside a primary-key lookup
   of one phone (the baseline), in the same run.
4. Times the network page (the view, through the URL map) of a hub line whose two-step
   network is capped at 500 nodes: drawing data, measures (networkx) and the tables.

It prints figures and never asserts on them: speed depends on the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GRADES = ["", "1A", "1B", "2B", "2C", "3D"]
BATCH = 50_000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def timed(fn: Callable[[], Any], times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def report(name: str, values: list[float], base: float | None = None) -> None:
    p50, p95 = statistics.median(values), percentile(values, 95)
    ratio = f"  ({p95 / base:,.1f}x the baseline's p95)" if base else ""
    print(f"{name:<44} n={len(values):<5} p50 {p50:8.2f} ms  p95 {p95:8.2f} ms{ratio}")


def _database_url(given: str, entities: int) -> str:
    if given:
        return given
    folder = Path("/work/scale160") if Path("/work/scale160").is_dir() else ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"network-{entities}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, default=3_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.environ["DATABASE_URL"] = _database_url(args.database_url, args.entities)
    os.environ["DJANGO_SETTINGS_MODULE"] = "nestguard.settings.bench"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import RequestFactory

    from nestguard.access import door
    from nestguard.accounts.services import agency_create, user_create
    from nestguard.network.models import HandEntry, Line, Link, Phone, Vehicle
    from nestguard.network.registry import Ref
    from nestguard.network.selectors import neighbourhood
    from nestguard.network.views.pages import entity

    call_command("migrate", verbosity=0, interactive=False)
    if Link.objects.exists():
        raise SystemExit("The bench database is not empty; give an empty --database-url")
    sqlite = connection.vendor == "sqlite"
    print(f"Database: {connection.vendor}; {args.entities:,} entities, {args.links:,} links")

    agency = agency_create(actor=None, name="Bench Police", type="police")
    viewer = user_create(
        actor=None, username="bench-intel", agency=agency, roles=["intelligence_officer"],
        password="bench-password-not-secret-1",
    )  # fmt: skip
    entries = [
        HandEntry.objects.create(
            entered_by=viewer,
            agency=agency,
            note="bench",
            on=date(2026, 1, 1),
            a_kind="phone",
            a_id=uuid.uuid4(),
            b_kind="phone",
            b_id=uuid.uuid4(),
            role="seen_with",
        )
        for _ in range(4)
    ]

    def key(value: uuid.UUID) -> Any:
        return value.hex if sqlite else value

    n_lines = max(1, args.entities // 100)
    n_vehicles = int(args.entities * 0.29)
    n_phones = args.entities - n_lines - n_vehicles
    ids = {
        "line": [uuid.UUID(int=rng.getrandbits(128)) for _ in range(n_lines)],
        "vehicle": [uuid.UUID(int=rng.getrandbits(128)) for _ in range(n_vehicles)],
        "phone": [uuid.UUID(int=rng.getrandbits(128)) for _ in range(n_phones)],
    }
    started = time.perf_counter()
    now = "2026-12-04 12:00:00"
    # Table names from the models' meta, every value a parameter (S608 below).
    with transaction.atomic(), connection.cursor() as cursor:
        table = Line._meta.db_table
        cursor.executemany(
            f"INSERT INTO {table} (id, created_at, updated_at, name, kind, origin_area) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [
                (key(pk), now, now, f"Line {i:06d}", "line", "Bench")
                for i, pk in enumerate(ids["line"])
            ],
        )
        table = Vehicle._meta.db_table
        for start in range(0, n_vehicles, BATCH):
            cursor.executemany(
                f"INSERT INTO {table} (id, created_at, updated_at, vrm, description) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    (key(pk), now, now, f"BV{start + i:07d}", "")
                    for i, pk in enumerate(ids["vehicle"][start : start + BATCH])
                ],
            )
        table = Phone._meta.db_table
        for start in range(0, n_phones, BATCH):
            cursor.executemany(
                f"INSERT INTO {table} (id, created_at, updated_at, number, line_id) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, NULL)",
                [
                    (key(pk), now, now, f"+44770{start + i:07d}")
                    for i, pk in enumerate(ids["phone"][start : start + BATCH])
                ],
            )
    print(f"entities written in {time.perf_counter() - started:,.1f} s")

    # Links: the indexes off during the load, built after (as a bulk load would).
    with connection.schema_editor() as editor:
        for index in Link._meta.indexes:
            editor.remove_index(Link, index)
    started = time.perf_counter()
    first = date(2023, 12, 1)
    hub = ids["line"][0]
    objects = [("phone", pk) for pk in ids["phone"]] + [("vehicle", pk) for pk in ids["vehicle"]]
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        # A random pair drawn twice is one link (the unique constraint): skipped, and counted.
        sql = (
            f"INSERT {'OR IGNORE ' if sqlite else ''}INTO {Link._meta.db_table} (a_kind, a_id, "  # noqa: S608
            'b_kind, b_id, role, source_kind, source_id, "on", grade) VALUES '
            f"(%s, %s, %s, %s, %s, %s, %s, %s, %s){'' if sqlite else ' ON CONFLICT DO NOTHING'}"
        )
        while written < args.links:
            rows = []
            for _ in range(min(BATCH, args.links - written)):
                source = key(rng.choice(entries).pk)
                on = first + timedelta(days=rng.randrange(1096))
                grade = rng.choice(GRADES)
                if written < 120:  # the hub line: a 500-node network two steps out
                    a, b, role = ("line", hub), ("phone", ids["phone"][written]), "deal_line"
                elif rng.random() < 0.07:
                    a, b, role = (
                        ("line", rng.choice(ids["line"])),
                        ("phone", rng.choice(ids["phone"])),
                        "deal_line",
                    )
                else:
                    a, b, role = rng.choice(objects), rng.choice(objects), "seen_with"
                rows.append(
                    (a[0], key(a[1]), b[0], key(b[1]), role, "hand", source, on.isoformat(), grade)
                )
                written += 1
            cursor.executemany(sql, rows)
    stored = Link.objects.count()
    took = time.perf_counter() - started
    print(f"{stored:,} links written ({written - stored:,} repeats skipped) in {took:,.1f} s")
    started = time.perf_counter()
    with connection.schema_editor() as editor:
        for index in Link._meta.indexes:
            editor.add_index(Link, index)
    print(f"link indexes built in {time.perf_counter() - started:,.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if sqlite else f"ANALYZE {Link._meta.db_table}")

    links = door.visible(viewer, Link)
    starts = [rng.choice(objects) for _ in range(args.queries)]
    sizes: list[int] = []

    def two_steps() -> None:
        kind, pk = starts[len(sizes) % len(starts)]
        graph = neighbourhood(links, Ref(kind, pk), steps=2)
        sizes.append(len(graph.nodes))

    phones = rng.sample(ids["phone"], min(args.queries, len(ids["phone"])))
    looked: list[int] = []

    def primary_key() -> None:
        Phone.objects.get(pk=phones[len(looked) % len(phones)])
        looked.append(1)

    timed(primary_key, 20)  # warm
    base = timed(primary_key, args.queries)
    report("primary-key lookup of a phone (baseline)", base)
    steps = timed(two_steps, args.queries)
    base95 = percentile(base, 95)
    report("two-step neighbourhood (visible links)", steps, base95)
    print(f"  nodes per neighbourhood: median {statistics.median(sizes):.0f}, max {max(sizes)}")

    factory = RequestFactory()
    drawn: list[int] = []

    def page() -> None:
        request = factory.get(f"/network/line/{hub}/")
        request.user = viewer
        response = entity(request, "line", hub)
        drawn.append(response.content.count(b'"kind": '))

    page()  # warm
    report("network page of the hub line (the view)", timed(page, args.pages), base95)
    print(f"  nodes drawn on the page: {drawn[-1]}")


if __name__ == "__main__":
    main()
