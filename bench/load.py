"""Load test: many clients for many minutes on a seeded borough, a realistic mix of work.

    .venv/bin/python bench/load.py [--scale 160] [--clients 20] [--minutes 10]

Reuses bench/web.py's machinery (a fresh seeded database, gunicorn with the bench settings,
sign-in over HTTP). Then every client thread (a hub caseworker or supervisor, each with a
browser session and an API token) loops for the whole run, picking each request at random
with the weights in MIX: page reads (case list, case page, triage queue, address page, person
page), referrals submitted through the API by a housing referrer, triage decisions on those
referrals and on the seeded queue, case notes, door checks ("is there a risk behind this
door?") and "already known?" lookups. `/health/` is in the mix too, so every ratio compares
with the trivial request measured under the same load at the same time.

It reports, per operation: requests, errors, p50 and p95, and each as a ratio to /health/.
After the run it checks, in the database, that every referral and every note the server
acknowledged (201) is there, that every accepted triage decision left its referral decided,
and that the audit chain verifies (`audit_verify`). It exits non-zero when any request
failed or any check did not hold; the figures themselves are never asserted (speed depends
on the machine), they are printed for bench/README.md.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/ is not a package: web.py is imported as a sibling (the path above).
from web import (
    API_USER,
    BENCH_USERS,
    HOST,
    Client,
    Result,
    free_port,
    prepare_database,
    referral_example,
    start_server,
    stop_server,
    wait_until_idle,
    wait_until_up,
)

# How often each operation comes up, out of the total. Reads dominate, as in a working day:
# a hub worker opens pages far more often than they write, and door checks come from
# partners' systems all day.
MIX: dict[str, int] = {
    "/health/ (baseline)": 8,
    "case list": 12,
    "case page": 16,
    "triage queue": 6,
    "address page": 8,
    "person page": 8,
    "POST referral (API)": 6,
    "triage decision (API)": 4,
    "case note (API)": 8,
    "door check (API)": 14,
    "already known? (API)": 10,
}
MAX_OPERATIONS_PER_CLIENT = 10_000_000  # a bound on every loop besides the clock
REQUEST_TIMEOUT = 120  # seconds, as gunicorn's --timeout in bench/web.py


@dataclass
class Ledger:
    """What the server acknowledged, to be found in the database afterwards."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    referral_ids: list[str] = field(default_factory=list)
    note_markers: list[str] = field(default_factory=list)
    decided_ids: list[str] = field(default_factory=list)
    triage_pool: collections.deque[str] = field(default_factory=collections.deque)


def sample_load_targets(count: int = 2000) -> dict[str, Any]:
    """Per bench user: cases they may see and add notes to, people and addresses they may
    open, referrals they may triage; an API token for each user and for the referrer."""
    from nestguard.access.door import visible
    from nestguard.accounts.models import User
    from nestguard.accounts.services import api_token_create
    from nestguard.cases import rules
    from nestguard.cases.models import Case, CaseAddress, CaseSubject
    from nestguard.places.models import Address
    from nestguard.referrals.models import Referral, ReferralStatus
    from nestguard.referrals.services import can_triage

    rng = random.Random(7)
    per_user: dict[str, dict[str, Any]] = {}
    triage: set[str] = set()
    for username in BENCH_USERS:
        user = User.objects.get(username=username)
        case_ids = list(visible(user, Case).values_list("pk", flat=True)[: count * 3])
        cases = list(Case.objects.filter(pk__in=rng.sample(case_ids, min(count, len(case_ids)))))
        note_cases = [str(c.pk) for c in cases if rules.can_contribute_to_case(user, c)]
        chosen = [c.pk for c in cases]
        people = list(
            CaseSubject.objects.filter(case_id__in=chosen).values_list("person_id", flat=True)
        )
        addresses = list(
            CaseAddress.objects.filter(case_id__in=chosen).values_list("address_id", flat=True)
        )
        submitted = Referral.objects.filter(status=ReferralStatus.SUBMITTED).order_by("?")
        triage |= {str(r.pk) for r in submitted[:300] if can_triage(user, r)}
        _, token = api_token_create(actor=None, user=user, name="bench/load.py")
        per_user[username] = {
            "case_ids": [str(c.pk) for c in cases],
            "note_case_ids": note_cases,
            "person_ids": [str(p) for p in set(people) if p],
            "address_ids": [str(a) for a in set(addresses) if a],
            "token": token,
        }
    register = list(
        Address.objects.filter(in_register=True)
        .order_by("uprn")
        .values("uprn", "line1", "line2", "town", "postcode")[: count * 5]
    )
    from nestguard.people.models import Person

    names = list(
        Person.objects.exclude(family_name="")
        .order_by("?")
        .values("given_name", "family_name", "date_of_birth")[:count]
    )
    referrer = User.objects.get(username=API_USER)
    _, referrer_token = api_token_create(actor=None, user=referrer, name="bench/load.py")
    return {
        "per_user": per_user,
        "register": register,
        "names": names,
        "triage_pool": sorted(triage),
        "referrer_token": referrer_token,
    }


class LoadClient(Client):
    """bench/web.py's client, waiting as long as gunicorn lets a request run (--timeout
    120) before counting it failed."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)


@dataclass
class Worker:
    """One simulated hub worker: a browser session and an API connection with their token."""

    page: Client
    api: Client
    referrer_api: Client
    targets: dict[str, Any]
    token: str


def build_operations(
    shared: dict[str, Any], ledger: Ledger, example: dict[str, Any], referrer_token: str
) -> dict[str, Callable[[Worker, random.Random], tuple[int, bytes, tuple[int, ...]]]]:
    register: list[dict[str, Any]] = shared["register"]
    names: list[dict[str, Any]] = shared["names"]

    def api_headers(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def page(w: Worker, path: str) -> tuple[int, bytes, tuple[int, ...]]:
        status, body, _ = w.page.get(path)
        return status, body, (200,)

    def health(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        return page(w, "/health/")

    def case_list(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        return page(w, "/cases/")

    def case_page(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        return page(w, f"/cases/{rng.choice(w.targets['case_ids'])}/")

    def triage_queue(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        return page(w, "/referrals/triage/")

    def address_page(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        return page(w, f"/addresses/{rng.choice(w.targets['address_ids'])}/")

    def person_page(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        return page(w, f"/people/{rng.choice(w.targets['person_ids'])}/")

    def referral(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        body = json.loads(json.dumps(example))
        if register and isinstance(body.get("address"), dict):
            chosen = dict(rng.choice(register))
            chosen.pop("uprn", None)
            body["address"] = chosen
        body["signs_text"] = f"{body.get('signs_text', '')} (load {uuid.uuid4().hex[:12]})"
        status, data, _ = w.referrer_api.request(
            "POST", "/api/v1/referrals/", json.dumps(body).encode(), api_headers(referrer_token)
        )
        if status == 201:
            made = str(json.loads(data)["id"])
            with ledger.lock:
                ledger.referral_ids.append(made)
                ledger.triage_pool.append(made)
        return status, data, (201,)

    def triage_decision(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        with ledger.lock:
            target = ledger.triage_pool.popleft() if ledger.triage_pool else None
        if target is None:  # nothing waiting: the worker looks at the queue instead
            return triage_queue(w, rng)
        decision = (
            {"decision": "accept", "reason": "Load test: signs of cuckooing; visit this week."}
            if rng.random() < 0.5
            else {
                "decision": "decline",
                "reason_code": "insufficient_information",
                "reason": "Load test: not enough to go on yet; please tell us more.",
            }
        )
        status, data, _ = w.api.request(
            "POST",
            f"/api/v1/referrals/{target}/triage/",
            json.dumps(decision).encode(),
            api_headers(w.token),
        )
        if status == 200:
            with ledger.lock:
                ledger.decided_ids.append(target)
        return status, data, (200,)

    def note(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        marker = f"load-{uuid.uuid4().hex}"
        body = {"text": f"Visited; neighbour reports late callers. ({marker})"}
        status, data, _ = w.api.request(
            "POST",
            f"/api/v1/cases/{rng.choice(w.targets['note_case_ids'])}/notes/",
            json.dumps(body).encode(),
            api_headers(w.token),
        )
        if status == 201:
            with ledger.lock:
                ledger.note_markers.append(marker)
        return status, data, (201,)

    def door_check(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        query = urlencode({"uprn": rng.choice(register)["uprn"]})
        status, data, _ = w.api.request(
            "GET", f"/api/v1/addresses/door-check/?{query}", None, api_headers(w.token)
        )
        return status, data, (200,)

    def known(w: Worker, rng: random.Random) -> tuple[int, bytes, tuple[int, ...]]:
        person = rng.choice(names)
        query = {"given_name": person["given_name"], "family_name": person["family_name"]}
        if person["date_of_birth"]:
            query["date_of_birth"] = str(person["date_of_birth"])
        status, data, _ = w.api.request(
            "GET", f"/api/v1/people/matches/?{urlencode(query)}", None, api_headers(w.token)
        )
        return status, data, (200,)

    return {
        "/health/ (baseline)": health,
        "case list": case_list,
        "case page": case_page,
        "triage queue": triage_queue,
        "address page": address_page,
        "person page": person_page,
        "POST referral (API)": referral,
        "triage decision (API)": triage_decision,
        "case note (API)": note,
        "door check (API)": door_check,
        "already known? (API)": known,
    }


def run_mix(
    workers: list[Worker],
    operations: dict[str, Callable[[Worker, random.Random], tuple[int, bytes, tuple[int, ...]]]],
    seconds: float,
    progress_every: float = 60.0,
) -> dict[str, Result]:
    results = {name: Result(name) for name in MIX}
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds
    names = list(MIX)
    weights = [MIX[n] for n in names]

    def run(worker: Worker, seed: int) -> None:
        rng = random.Random(seed)
        mine = {name: Result(name) for name in names}
        for _ in range(MAX_OPERATIONS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            name = rng.choices(names, weights)[0]
            began = time.perf_counter()
            try:
                status, body, ok = operations[name](worker, rng)
            except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
                status, body, ok = 0, repr(exc).encode(), (200,)
            elapsed = time.perf_counter() - began
            if status in ok:
                mine[name].latencies.append(elapsed)
            else:
                mine[name].errors += 1
                mine[name].first_error = mine[name].first_error or (
                    f"{status}: {body[:300].decode(errors='replace')}"
                )
        with lock:
            for name, r in mine.items():
                results[name].latencies.extend(r.latencies)
                results[name].errors += r.errors
                results[name].first_error = results[name].first_error or r.first_error

    threads = [
        threading.Thread(target=run, args=(w, n), daemon=True) for n, w in enumerate(workers)
    ]
    for t in threads:
        t.start()
    for _ in range(MAX_OPERATIONS_PER_CLIENT):
        alive = [t for t in threads if t.is_alive()]
        if not alive:
            break
        alive[0].join(timeout=progress_every)
        elapsed = time.monotonic() - started
        if elapsed > seconds + 300:
            print("  clients still busy 5 minutes after the end; giving up on them")
            break
        if any(t.is_alive() for t in threads) and elapsed < seconds:
            print(f"  ... {elapsed / 60:.1f} min", flush=True)
    for r in results.values():
        r.seconds = time.monotonic() - started
    return results


def report(results: dict[str, Result]) -> str:
    base = results["/health/ (baseline)"]
    base_p50, base_p95 = base.percentile(50), base.percentile(95)
    header = (
        f"{'operation':<24}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p50 x':>8}{'p95 x':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in results.values():
        p50, p95 = r.percentile(50), r.percentile(95)
        lines.append(
            f"{r.name:<24}{r.requests:>9}{r.errors:>8}{r.throughput:>8.1f}{p50:>9.1f}{p95:>9.1f}"
            f"{p50 / base_p50:>8.1f}{p95 / base_p95:>8.1f}"
        )
    total = sum(r.requests for r in results.values())
    errors = sum(r.errors for r in results.values())
    lines.append("-" * len(header))
    lines.append(f"{'all':<24}{total:>9}{errors:>8}{total / base.seconds:>8.1f}")
    return "\n".join(lines)


def verify(ledger: Ledger) -> list[str]:
    """What the server acknowledged is in the database, and the audit chain holds."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from nestguard.cases.models import ChronologyEntry
    from nestguard.referrals.models import Referral, ReferralStatus

    problems: list[str] = []
    found = 0
    for start in range(0, len(ledger.referral_ids), 500):
        chunk = ledger.referral_ids[start : start + 500]
        found += Referral.objects.filter(pk__in=chunk).count()
    print(f"  referrals acknowledged: {len(ledger.referral_ids)}, in the database: {found}")
    if found != len(ledger.referral_ids):
        problems.append(f"{len(ledger.referral_ids) - found} acknowledged referrals are missing")
    # One read of the run's notes (their text carries "(load-<hex>)"), not one search of the
    # whole chronology per note: at scale 160 that was 800,000 rows read 600 times.
    texts = ChronologyEntry.objects.filter(text__contains="(load-").values_list("text", flat=True)
    written = {m for text in texts for m in re.findall(r"\((load-[0-9a-f]{32})\)", text)}
    notes = len(written & set(ledger.note_markers))
    print(f"  notes acknowledged: {len(ledger.note_markers)}, in the database: {notes}")
    if notes != len(ledger.note_markers):
        problems.append(f"{len(ledger.note_markers) - notes} acknowledged notes are missing")
    undecided = 0
    for start in range(0, len(ledger.decided_ids), 500):
        chunk = ledger.decided_ids[start : start + 500]
        undecided += Referral.objects.filter(pk__in=chunk, status=ReferralStatus.SUBMITTED).count()
    print(f"  triage decisions acknowledged: {len(ledger.decided_ids)}, not recorded: {undecided}")
    if undecided:
        problems.append(f"{undecided} acknowledged triage decisions are not recorded")
    try:
        call_command("audit_verify", stdout=sys.stdout)
    except CommandError as exc:
        problems.append(f"audit_verify: {exc}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=160.0, help="seed_demo scale")
    parser.add_argument("--clients", type=int, default=20, help="concurrent client threads")
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database-url",
        default="",
        help="an EMPTY database, or with --reuse a seeded one (default: a fresh SQLite file "
        "under var/bench/)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="serve a borough seeded before (--database-url, or bench/web.py's file at this "
        "scale), migrated to now",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.minutes <= 0 or args.scale <= 0:
        parser.error("--clients, --minutes and --scale must be positive")

    database_url = prepare_database(args.scale, args.seed, args.database_url, args.reuse)
    from nestguard.demo.partnership import DEMO_PASSWORD

    shared = sample_load_targets()
    ledger = Ledger()
    ledger.triage_pool.extend(shared["triage_pool"])
    from django.db import connections

    connections.close_all()

    port = free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="nestguard.settings.bench",
        DATABASE_URL=database_url,
        # The per-user limits guard against a person or a leaked token, not a partnership's
        # load: 20 clients share 5 users here, so lift them for the run.
        NESTGUARD_API_RATE="10000000/hour",
        NESTGUARD_KNOWN_LOOKUPS_PER_HOUR="10000000",
    )
    server = start_server(port, args.workers, args.threads, env)
    try:
        wait_until_up(port, server)
        workers: list[Worker] = []
        for n in range(args.clients):
            username = BENCH_USERS[n % len(BENCH_USERS)]
            client = LoadClient(port)
            client.sign_in(username, DEMO_PASSWORD)
            targets = shared["per_user"][username]
            workers.append(
                Worker(client, LoadClient(port), LoadClient(port), targets, targets["token"])
            )
        operations = build_operations(shared, ledger, referral_example(), shared["referrer_token"])
        wait_for_person_index(workers[0], operations)
        waited = wait_until_idle(server)
        print(f"start-up builds finished; the server was idle after {waited:.0f} s", flush=True)
        warm_up(workers[0], operations)
        print(
            f"gunicorn on http://{HOST}:{port} ({args.workers} workers x {args.threads} "
            f"threads); {args.clients} clients for {args.minutes:g} min; "
            f"{len(ledger.triage_pool)} referrals waiting for triage",
            flush=True,
        )
        results = run_mix(workers, operations, args.minutes * 60)
    finally:
        stop_server(server)
    print()
    print(report(results))
    for r in results.values():
        if r.first_error:
            print(f"\nfirst error on {r.name}: {r.first_error}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("\nChecking what was acknowledged is in the database ...", flush=True)
    problems = verify(ledger)
    errors = sum(r.errors for r in results.values())
    if errors:
        problems.append(f"{errors} requests failed")
    for problem in problems:
        print(f"FAIL: {problem}")
    print("PASS" if not problems else "FAILED")
    return 1 if problems else 0


def warm_up(worker: Worker, operations: dict[str, Any], rounds: int = 6) -> None:
    """The first referral a web process takes builds the address register's matching index
    (issue 13, point 1): a cost of start-up, not of load. Send a few on new connections
    (so that each gunicorn worker gets some) before the clock starts, and say how long they
    took. They are in the ledger like every other referral."""
    rng = random.Random(1)
    for n in range(rounds):
        probe = Worker(worker.page, worker.api, LoadClient(worker.api.port), worker.targets, "")
        began = time.perf_counter()
        status, body, _ = operations["POST referral (API)"](probe, rng)
        probe.referrer_api.conn.close()
        took = time.perf_counter() - began
        print(f"  warm-up referral {n + 1}: {status} in {took:.1f} s", flush=True)
        if status != 201:
            raise RuntimeError(f"warm-up referral answered {status}: {body[:300]!r}")


def wait_for_person_index(worker: Worker, operations: dict[str, Any], seconds: float = 600) -> None:
    """Each web process builds its person index when it starts and answers 503 until it is
    ready: that is the documented start-up, not load, so wait for it before the clock runs."""
    deadline = time.monotonic() + seconds
    rng = random.Random(0)
    while time.monotonic() < deadline:
        statuses = set()
        for _ in range(8):  # a new connection each time, to reach every gunicorn worker
            probe = Worker(
                worker.page,
                LoadClient(worker.api.port),
                worker.referrer_api,
                worker.targets,
                worker.token,
            )
            statuses.add(operations["already known? (API)"](probe, rng)[0])
            probe.api.conn.close()
        if statuses == {200}:
            return
        time.sleep(2)
    raise RuntimeError(f"the person index was not ready within {seconds:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
