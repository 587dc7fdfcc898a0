"""Places benchmark: the register import, the door check and the radius query at scale.

    .venv/bin/python bench/places.py [--rows 200000] [--checks 2000] [--database-url URL]

1. Makes a fresh SQLite file under var/bench/ (or uses --database-url, an empty database)
   and migrates it.
2. Writes a synthetic register CSV of --rows addresses (a grid of streets on the British
   National Grid, half the rows with easting/northing only, half with latitude/longitude
   only, so both conversions are exercised) and imports it with `address_register_import`
   (validation, conversion, batched upsert), printing rows per second. Baseline in the same
   run: reading and splitting the same file with the csv module alone. Then imports it a
   second time (every row unchanged: the idempotent path).
3. Places warning markers on 2% of the addresses and times --checks door checks through the
   API with a bearer token (random UPRNs, and postcode plus house number), p50 and p95, beside
   /health/ through the same client (the trivial baseline: the whole middleware stack and
   `SELECT 1`).
4. Times the radius query (150 m, the leaflet drop) for random addresses, p50 and p95,
   beside a primary-key lookup of one address (the baseline).
5. Times the person index's copy of the register (docs/decisions/0042): building the
   address index once, the register fingerprint every arriving address pays to learn the
   index is current, and matching one messy string, beside the same primary-key lookup.

It prints figures and never asserts on them: speed depends on the machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


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


def synthetic_register(rows: int, rng: random.Random) -> str:
    """A borough of streets of 40 houses on a 12 m frontage; every tenth postcode unit new."""
    from pyproj import Transformer

    to_wgs = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["uprn", "address_line1", "address_line2", "town", "postcode", "easting", "northing",
         "latitude", "longitude", "ward", "tenure", "landlord"]
    )  # fmt: skip
    tenures = ["council", "housing_association", "private_rented", "owner_occupied"]
    eastings, northings = [], []
    for n in range(rows):
        street, house = divmod(n, 40)
        eastings.append(400_000 + (street % 150) * 520 + house * 12)
        northings.append(390_000 + (street // 150) * 90)
    lons, lats = to_wgs.transform(eastings, northings)
    for n in range(rows):
        street, house = divmod(n, 40)
        unit = n // 10
        letters = "ABDEFGHJLN"[unit // 9 % 10] + "PQRSTUWXYZ"[unit // 90 % 10]
        postcode = f"NB{unit // 900 + 1} {unit % 9 + 1}{letters}"
        grid = n % 2 == 0
        writer.writerow(
            [str(880_000_000_000 + n), f"{house + 1} Bench Street {street}", "", "Northbrook",
             postcode, eastings[n] if grid else "", northings[n] if grid else "",
             "" if grid else f"{lats[n]:.6f}", "" if grid else f"{lons[n]:.6f}",
             f"Ward {street % 20}", rng.choice(tenures), ""]
        )  # fmt: skip
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--radius-queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    database_url = args.database_url
    if not database_url:
        path = ROOT / "var" / "bench" / f"places-{args.rows}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "nestguard.settings.bench"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from nestguard.accounts.services import agency_create, api_token_create, user_create
    from nestguard.places.models import Address, WarningMarker
    from nestguard.places.selectors import nearby
    from nestguard.places.services.register import address_register_import

    call_command("migrate", verbosity=0, interactive=False)
    if Address.objects.exists():
        raise SystemExit("The bench database is not empty; give an empty --database-url")
    print(f"Database: {django.db.connection.vendor}, {args.rows:,} register rows")

    text = synthetic_register(args.rows, rng)
    started = time.perf_counter()
    parsed = sum(1 for _ in csv.DictReader(io.StringIO(text)))
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    result = address_register_import(actor=None, stream=io.StringIO(text), source_name="bench")
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = address_register_import(actor=None, stream=io.StringIO(text), source_name="bench")
    second = time.perf_counter() - started
    print("\nRegister import")
    print(f"  baseline: csv parse only       {parsed / baseline:>12,.0f} rows/s")
    print(f"  import (all new)               {result.created / first:>12,.0f} rows/s  "
          f"({first:.1f} s, x{first / baseline:.1f} of the baseline time)")  # fmt: skip
    print(f"  import again (all unchanged)   {again.unchanged / second:>12,.0f} rows/s  "
          f"({second:.1f} s)")  # fmt: skip

    agency = agency_create(actor=None, name="Bench Fire Service", type="fire")
    user = user_create(
        actor=None, username="bench.fire", agency=agency, roles=["referrer"],
        password="bench-password-not-secret-1",
    )  # fmt: skip
    owner = user_create(
        actor=None, username="bench.owner", agency=agency, roles=["caseworker"],
        password="bench-password-not-secret-2",
    )  # fmt: skip
    ids = list(Address.objects.values_list("pk", "uprn", "postcode", "line1"))
    today = timezone.localdate()
    markers = [
        WarningMarker(
            address_id=pk, category="dogs", level=rng.choice(["low", "medium", "high"]),
            advice="Ask for the dogs to be shut away.", contact="Bench, 01632 960 000",
            owner_agency=agency, owner=owner, review_on=today + timedelta(days=30),
            expires_on=today + timedelta(days=90),
        )
        for pk, *_ in rng.sample(ids, len(ids) // 50)
    ]  # fmt: skip
    WarningMarker.objects.bulk_create(markers, batch_size=2000)
    token = api_token_create(actor=None, user=user)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def door_by_uprn() -> None:
        _, uprn, _, _ = rng.choice(ids)
        assert client.get("/api/v1/addresses/door-check/", {"uprn": uprn}).status_code == 200

    def door_by_postcode() -> None:
        _, _, postcode, line1 = rng.choice(ids)
        number = line1.split()[0]
        response = client.get(
            "/api/v1/addresses/door-check/", {"postcode": postcode, "number": number}
        )
        assert response.status_code == 200

    def health() -> None:
        assert client.get("/health/").status_code == 200

    for fn in (health, door_by_uprn, door_by_postcode):
        timed(fn, 20)  # warm up
    rows = [
        ("baseline: /health/", timed(health, args.checks)),
        ("door check by UPRN", timed(door_by_uprn, args.checks)),
        ("door check by postcode+house", timed(door_by_postcode, args.checks)),
    ]
    base = statistics.median(rows[0][1])
    print(f"\nDoor check ({args.checks:,} requests each, in-process, {len(markers):,} markers)")
    for name, values in rows:
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"  {name:<30} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  (x{p50 / base:.1f})")

    targets = [Address.objects.get(pk=pk) for pk, *_ in rng.sample(ids, args.radius_queries)]
    found: list[int] = []

    def radius() -> None:
        found.append(len(nearby(rng.choice(targets), 150)))

    def by_pk() -> None:
        Address.objects.get(pk=rng.choice(targets).pk)

    timed(radius, 20)
    timed(by_pk, 20)
    lookup = timed(by_pk, args.radius_queries)
    query = timed(radius, args.radius_queries)
    base = statistics.median(lookup)
    print(f"\nRadius query (150 m on the British National Grid, {args.radius_queries} queries)")
    print(f"  baseline: one address by key   p50 {percentile(lookup, 50):7.2f} ms  "
          f"p95 {percentile(lookup, 95):7.2f} ms")  # fmt: skip
    print(f"  addresses within 150 m         p50 {percentile(query, 50):7.2f} ms  "
          f"p95 {percentile(query, 95):7.2f} ms  (x{statistics.median(query) / base:.1f}; "
          f"{statistics.mean(found):.0f} addresses on average)")  # fmt: skip
    address_matching(rng, targets, args.radius_queries, lookup)


def address_matching(
    rng: random.Random, targets: list[Any], times: int, lookup: list[float]
) -> None:
    """What an address arriving on a referral or a record costs (decision 0042)."""
    from nestguard.linkage.address_index import (
        address_index,
        forget_address_index,
        register_fingerprint,
    )
    from nestguard.linkage.engine import match_address

    forget_address_index()
    started = time.perf_counter()
    index = address_index()
    build = time.perf_counter() - started
    fingerprint = timed(register_fingerprint, times)
    strings = [
        f"{a.line1.replace('Street', 'St').replace('Road', 'Rd')}, {a.postcode}"
        for a in (rng.choice(targets) for _ in range(times))
    ]
    matched = timed(lambda: match_address(strings.pop(), index), times)
    print(f"\nAddress matching on arrival ({len(index):,} register addresses, {times} each)")
    print(f"  baseline: one address by key   p50 {percentile(lookup, 50):7.2f} ms  "
          f"p95 {percentile(lookup, 95):7.2f} ms")  # fmt: skip
    print(f"  build the index (once)         {build * 1000:11.0f} ms")
    print(f"  register fingerprint           p50 {percentile(fingerprint, 50):7.2f} ms  "
          f"p95 {percentile(fingerprint, 95):7.2f} ms")  # fmt: skip
    print(f"  match one string               p50 {percentile(matched, 50):7.2f} ms  "
          f"p95 {percentile(matched, 95):7.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
