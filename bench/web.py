"""Web benchmark: seed a fresh demo borough, serve it with gunicorn, drive it over HTTP.

    .venv/bin/python bench/web.py [--scale 160] [--clients 8] [--seconds 20]

1. Makes a fresh SQLite file under var/bench/, migrates it and seeds the demo borough at
   the given scale (printing how long seeding took and rows per second).
2. Starts gunicorn on a free port of 127.0.0.1 with `nestguard.settings.bench` (DEBUG off,
   the second factor skipped so that clients can sign in over HTTP).
   Beside it, the job queue's worker (`nestguard worker --no-schedules`), which counts the
   reports that pages queue (decision 0112; `--no-job-worker` leaves it off).
3. Signs bench users in over HTTP (CSRF token from the sign-in page), then for each endpoint
   in turn runs N client threads for a fixed time: /health/ (the trivial baseline), the case
   list, a case page (random visible cases), the triage queue, an address page, a person
   page, a panel agenda (as the panel chair), the due-and-overdue view, the partnership
   dashboard (as the analyst; its counts cached while nothing counted changes), referral
   submission through POST /api/v1/referrals/ with a bearer token, and the partnership
   report as the analyst (its page for the last twelve months, which the report cache
   answers after the first request; its page for a random 90-day period, which it mostly
   cannot; and the API for the twelve months), and each other report (project evaluation,
   county lines review, missing episodes, equality monitoring) at its default period, as a
   user opens it, and for a random 90-day period. Before that, each
   endpoint once with no other client (`--quiet`), for the single-request figures.
4. Prints requests, errors, throughput, p50 and p95 latency, and each as a multiple of the
   baseline measured in the same run.

It prints figures and never asserts on them: speed depends on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # the benchmark never talks to anything else
BENCH_USERS = ("hub.caseworker", "hub.caseworker2", "hub.supervisor", "hub.caseworker3")
CHAIR = "panel.chair"
ANALYST = "analyst"
API_USER = "housing.referrer"
MAX_REQUESTS_PER_CLIENT = 1_000_000  # a bound on every loop besides the clock


# ---------------------------------------------------------------------------------------------
# A small HTTP client: one keep-alive connection and a cookie jar per simulated user.

# Seconds a client waits for an answer: a first uncached report on a loaded machine, while
# each worker builds its person and address indexes, has taken over a minute.
TIMEOUT = 300


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
                if attempt:
                    raise
        for raw in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return response.status, data, dict(response.headers.items())

    def get(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        return self.request("GET", path)

    def sign_in(self, username: str, password: str) -> None:
        status, page, _ = self.get("/sign-in/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"sign-in page answered {status} without a CSRF token")
        form = urlencode(
            {
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": username,
                "password": password,
            }
        ).encode()
        status, _, _headers = self.request(
            "POST",
            "/sign-in/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{self.port}/sign-in/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"signing in {username} answered {status}")
        status, _, _ = self.get("/")
        if status != 200:
            raise RuntimeError(f"{username}'s home page answered {status} after signing in")


# ---------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    skipped: str = ""
    first_error: str = ""
    # Report pages and the dashboard that answered "being prepared" (no figures yet), or with
    # the older copy while a newer one is counted (decision 0112).
    preparing: int = 0
    older: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index] * 1000


Call = Callable[[Client, random.Random], tuple[int, bytes]]
# What a report page or the dashboard says while its figures are counted (decision 0112).
PREPARING = b'data-testid="report-preparing"'
OLDER = b'data-testid="report-older"'


def drive(
    name: str, clients: list[Client], seconds: float, call: Call, ok: tuple[int, ...] = (200,)
) -> Result:
    """Every client calls `call` in a loop until the time is up."""
    result = Result(name)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(client: Client, seed: int) -> None:
        rng = random.Random(seed)
        latencies: list[float] = []
        errors = preparing = older = 0
        first = ""
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            try:
                status, body = call(client, rng)
            except (OSError, http.client.HTTPException) as exc:
                status, body = 0, str(exc).encode()
            elapsed = time.perf_counter() - started
            if status in ok:
                latencies.append(elapsed)
                preparing += PREPARING in body
                older += OLDER in body
            else:
                errors += 1
                first = first or f"{status}: {body[:300].decode(errors='replace')}"
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            result.preparing += preparing
            result.older += older
            result.first_error = result.first_error or first

    started = time.monotonic()
    threads = [
        threading.Thread(target=run, args=(c, n), daemon=True) for n, c in enumerate(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    result.seconds = time.monotonic() - started
    return result


# ---------------------------------------------------------------------------------------------
# The database and the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def fresh_sqlite(scale: float) -> str:
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"web-scale-{scale:g}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def start_server(
    port: int, workers: int, threads: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    command = [
        gunicorn,
        "nestguard.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        # One thread: gunicorn's synchronous worker, as deploy/gunicorn.conf.py serves.
        "--worker-class", "gthread" if threads > 1 else "sync",
        "--log-level", "warning",
        "--timeout", "120",
    ]  # fmt: skip
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    log = open(ROOT / "var" / "bench" / "gunicorn.log", "wb")  # noqa: SIM115 (lives with the server)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_job_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The job queue's worker, as a deployment runs it beside the web server: it counts the
    reports the pages queue (decision 0112), and lowers its own CPU priority by
    NESTGUARD_WORKER_NICE when it starts (decision 0135; this bench's before 0135 started it
    at `nice 10` itself). Schedules are left off, so that no nightly job over the whole
    borough runs during the measurement."""
    nestguard = shutil.which("nestguard", path=str(Path(sys.executable).parent)) or "nestguard"
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    log = open(ROOT / "var" / "bench" / "worker.log", "wb")  # noqa: SIM115 (lives with the worker)
    command = [nestguard, "worker", "--no-schedules", "--interval", "0.5", "--verbosity", "1"]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


# How long the bench waits for a default view to be prepared before driving it: a deployment
# keeps them prepared (`reporting.prepare_defaults`, every 5 minutes).
WARM_SECONDS = 180


def wait_until_prepared(name: str, call: Call, client: Client) -> None:
    """A default view (not a "new period" one) is driven once prepared and current (neither
    "being prepared" nor an older copy shown while a newer one is counted), as a deployment's
    periodic job keeps it; how long that took is printed."""
    started = time.monotonic()
    while time.monotonic() - started < WARM_SECONDS:
        _status, body = call(client, random.Random(0))
        if PREPARING not in body and OLDER not in body:
            break
        time.sleep(1)
    print(f"  ({name}: prepared after {time.monotonic() - started:.0f} s)", flush=True)


def warm_default_views(plan: list[tuple[str, Call, tuple[int, ...], list[Client]]]) -> None:
    """Ask for every default view the plan drives, then wait for each to be prepared, before
    anything is measured: a deployment keeps them prepared (`reporting.prepare_defaults`,
    every 5 minutes), and the bench's worker runs no schedules. Asked for one at a time just
    before each was driven, a default view waited behind the builds that the new periods
    driven before it had queued, and was sometimes driven while its copy was counted (or
    counted again: a copy from an earlier run on the same database is older than 10 minutes)
    beside it. The new periods are not warmed: they are driven as a user asks for them."""
    views = [(n, call, who[0]) for n, call, _ok, who in plan if "new period" not in n]
    for _name, call, client in views:
        call(client, random.Random(0))  # queues its build, if it needs one
    for name, call, client in views:
        _status, body = call(client, random.Random(0))
        if PREPARING in body or OLDER in body:
            wait_until_prepared(name, call, client)


def wait_until_up(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped; see var/bench/gunicorn.log")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {seconds:.0f} s")


def _process_tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and all its descendants (Linux)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
    return total


def wait_until_idle(
    process: subprocess.Popen[bytes], share: float = 0.05, window: float = 5.0, seconds: float = 900
) -> float:
    """Wait until the server's processes use less than `share` of a CPU over `window` seconds.

    Each web process builds its indexes in a thread at its first request (decision 0094):
    start-up, not load. Measured beside those builds, a page shares the interpreter with them
    and its figures say more about the build than about the page, so the clock starts after."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        before = _process_tree_cpu_seconds(process.pid)
        time.sleep(window)
        if (_process_tree_cpu_seconds(process.pid) - before) / window < share:
            return time.monotonic() - started
    raise RuntimeError(f"the server was still busy after {seconds:.0f} s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------------
# Setting up inside this process (the same settings and database as the server)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "nestguard.settings.bench"
    import django

    django.setup()


def reusable_url(scale: float, database_url: str) -> str:
    """The seeded database `--reuse` serves: `--database-url` (a borough seeded before, e.g.
    by `nestguard seed_demo --scale 160`), or the file of an earlier run at this scale."""
    if database_url:
        return database_url
    path = ROOT / "var" / "bench" / f"web-scale-{scale:g}.sqlite3"
    return f"sqlite:///{path}" if path.exists() else ""


def reuse_seeded(database_url: str, statistics: bool = True) -> None:
    """Set up on a borough seeded before: migrated to now, planner statistics refreshed
    (unless `statistics` is False: a run just before refreshed them)."""
    setup_django(database_url)
    from django.core.management import call_command

    from nestguard.core.statistics import refresh_planner_statistics
    from nestguard.demo.seed import borough_exists

    print(f"Database: {database_url.split('@')[-1]} (reused; migrating, refreshing statistics)")
    call_command("migrate", verbosity=0, interactive=False)
    if not borough_exists():
        raise SystemExit("--reuse needs a seeded database")
    if statistics:
        refresh_planner_statistics()


def prepare_database(
    scale: float, seed: int, database_url: str, reuse: bool, statistics: bool = True
) -> str:
    """The database to serve, set up in this process: a borough seeded before (`reuse`), or
    `database_url` (empty) or a fresh SQLite file, seeded now."""
    reused = reusable_url(scale, database_url) if reuse else ""
    if reused:
        reuse_seeded(reused, statistics)
        return reused
    database_url = database_url or fresh_sqlite(scale)
    setup_django(database_url)
    print(f"Database: {database_url.split('@')[-1]}")
    print(f"Seeding the demo borough at scale {scale:g} ...", flush=True)
    seeded = migrate_and_seed(scale, seed)
    result = seeded["result"]
    print(
        f"  migrated in {seeded['migrate_seconds']:.1f} s; seeded {result.rows:,} rows "
        f"({result.counts.get('cases', 0):,} cases, {result.counts.get('referrals', 0):,} "
        f"referrals, {result.counts.get('addresses', 0):,} addresses) in "
        f"{result.seconds:.1f} s: {result.rows / max(result.seconds, 1e-9):,.0f} rows/s",
        flush=True,
    )
    return database_url


def migrate_and_seed(scale: float, seed: int) -> dict[str, Any]:
    from django.core.management import call_command

    from nestguard.demo.seed import borough_exists, seed_borough

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic() - started
    if borough_exists():
        raise SystemExit("The bench database is not empty; give an empty --database-url")
    result = seed_borough(scale=scale, seed=seed)
    return {"migrate_seconds": migrated, "result": result}


def sample_targets(count: int = 2000) -> dict[str, Any]:
    """Case, address, person and meeting ids the bench users may see, register addresses,
    an API token."""
    from nestguard.accounts.models import User
    from nestguard.accounts.services import api_token_create
    from nestguard.cases.access_policy import visible_cases
    from nestguard.cases.models import CaseAddress, CaseSubject
    from nestguard.panels.models import Meeting
    from nestguard.places.models import Address

    hub_user = User.objects.get(username=BENCH_USERS[0])
    ids = list(visible_cases(hub_user).values_list("pk", flat=True)[: count * 5])
    rng = random.Random(1)
    case_ids = [str(i) for i in rng.sample(ids, min(count, len(ids)))]
    address_ids = sorted(
        {
            str(a)
            for a in CaseAddress.objects.filter(case_id__in=case_ids).values_list(
                "address_id", flat=True
            )
        }
    )
    person_ids = sorted(
        {
            str(p)
            for p in CaseSubject.objects.filter(case_id__in=case_ids).values_list(
                "person_id", flat=True
            )
        }
    )
    chair = User.objects.get(username=CHAIR)
    meeting_ids = [
        str(m) for m in Meeting.objects.filter(panel__chairs=chair).values_list("pk", flat=True)
    ]
    addresses = list(
        Address.objects.filter(in_register=True)
        .order_by("uprn")
        .values("line1", "line2", "town", "postcode")[:count]
    )
    token_user = User.objects.get(username=API_USER)
    _, token = api_token_create(actor=None, user=token_user, name="bench/web.py")
    analyst = User.objects.get(username=ANALYST)
    _, analyst_token = api_token_create(actor=None, user=analyst, name="bench/web.py reports")
    return {
        "case_ids": case_ids,
        "address_ids": address_ids,
        "person_ids": person_ids,
        "meeting_ids": meeting_ids,
        "addresses": addresses,
        "token": token,
        "analyst_token": analyst_token,
    }


def referral_example() -> dict[str, Any]:
    """The example body of `### POST /api/v1/referrals/` in docs/api.md, or our own."""
    doc = ROOT / "docs" / "api.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    match = re.search(r"### POST /api/v1/referrals/\n.*?```json\n(.*?)```", text, re.S)
    if match:
        try:
            body: dict[str, Any] = json.loads(match.group(1))
            return body
        except json.JSONDecodeError:
            pass
    return {
        "subjects": [{"role": "victim", "given_name": "Bench", "family_name": "Example"}],
        "address": {"line1": "1 Example Road", "town": "Northbrook", "postcode": "NB1 2AB"},
        "concern_types": ["cuckooing"],
        "indicators": ["unfamiliar_visitors"],
        "signs_text": "Visitors at all hours.",
        "urgency": "medium",
        "lawful_basis": "safeguarding_sch1_para18",
        "consent": "not_sought",
        "consent_reason": "would_prejudice",
    }


# ---------------------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    base = results[0]
    base_p50, base_p95, base_rps = base.percentile(50), base.percentile(95), base.throughput
    header = (
        f"{'endpoint':<26}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p50 x':>8}{'p95 x':>8}{'req/s x':>9}{'preparing':>10}{'older':>7}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        if r.skipped:
            lines.append(f"{r.name:<26}  skipped: {r.skipped}")
            continue
        p50, p95 = r.percentile(50), r.percentile(95)
        lines.append(
            f"{r.name:<26}{r.requests:>9}{r.errors:>8}{r.throughput:>9.1f}{p50:>9.1f}{p95:>9.1f}"
            f"{p50 / base_p50:>8.1f}{p95 / base_p95:>8.1f}{r.throughput / base_rps:>9.2f}"
            f"{r.preparing:>10}{r.older:>7}"
        )
    return "\n".join(lines)


Layout = tuple[int, int, dict[str, str]]


def parse_layouts(spec: str, workers: int, threads: int) -> list[Layout]:
    """'2x4,4x2:NAME=VALUE;NAME=VALUE' -> [(2, 4, {}), (4, 2, {NAME: VALUE, ...})]."""
    if not spec.strip():
        return [(workers, threads, {})]
    layouts: list[Layout] = []
    for part in spec.split(","):
        shape, _, settings = part.strip().partition(":")
        match = re.fullmatch(r"(\d+)x(\d+)", shape.strip())
        if not match or min(int(match.group(1)), int(match.group(2))) < 1:
            raise ValueError(f"--layouts: {part!r} is not WORKERSxTHREADS[:NAME=VALUE;...]")
        env = {}
        for pair in filter(None, (p.strip() for p in settings.split(";"))):
            name, equals, value = pair.partition("=")
            if not equals or not name.startswith("NESTGUARD_"):
                raise ValueError(f"--layouts: {pair!r} is not NESTGUARD_NAME=VALUE")
            env[name] = value
        layouts.append((int(match.group(1)), int(match.group(2)), env))
    return layouts


def run_layout(
    args: argparse.Namespace,
    database_url: str,
    targets: dict[str, Any],
    layout: Layout,
) -> None:
    """Serve with one gunicorn layout (workers x threads, and settings from the environment),
    sign the clients in, drive the endpoints and print the table."""
    from nestguard.demo.partnership import DEMO_PASSWORD

    workers, threads, extra_env = layout
    port = free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="nestguard.settings.bench",
        DATABASE_URL=database_url,
        # The per-user limits guard against a person or a leaked token, not a partnership's
        # load: the clients here share a few users, so lift them for the run (as load.py does).
        NESTGUARD_API_RATE="10000000/hour",
        NESTGUARD_KNOWN_LOOKUPS_PER_HOUR="10000000",
    )
    env.update(extra_env)
    server = start_server(port, workers, threads, env)
    worker = None if args.no_job_worker else start_job_worker(env)
    try:
        wait_until_up(port, server)
        print(
            f"gunicorn on http://{HOST}:{port} ({workers} workers x {threads} threads"
            f"{''.join(f', {k}={v}' for k, v in extra_env.items())}); "
            f"{args.clients} clients, {args.seconds:g} s per endpoint",
            flush=True,
        )
        clients = []
        for n in range(args.clients):
            client = Client(port)
            client.sign_in(BENCH_USERS[n % len(BENCH_USERS)], DEMO_PASSWORD)
            clients.append(client)

        chairs = []
        for _ in range(args.clients):
            chair = Client(port)
            chair.sign_in(CHAIR, DEMO_PASSWORD)
            chairs.append(chair)
        case_ids: list[str] = targets["case_ids"]
        address_ids: list[str] = targets["address_ids"] or ["00000000-0000-0000-0000-000000000000"]
        person_ids: list[str] = targets["person_ids"] or ["00000000-0000-0000-0000-000000000000"]
        meeting_ids: list[str] = targets["meeting_ids"] or ["00000000-0000-0000-0000-000000000000"]
        addresses: list[dict[str, str]] = targets["addresses"]
        auth = {"Authorization": f"Bearer {targets['token']}", "Content-Type": "application/json"}
        example = referral_example()
        api_clients = [Client(port) for _ in range(args.clients)]
        analysts = []
        for _ in range(args.clients):
            analyst = Client(port)
            analyst.sign_in(ANALYST, DEMO_PASSWORD)
            analysts.append(analyst)
        analyst_auth = {"Authorization": f"Bearer {targets['analyst_token']}"}
        # The sign-ins reached every worker, each of which started its start-up builds.
        waited = wait_until_idle(server)
        print(f"start-up builds finished; the server was idle after {waited:.0f} s", flush=True)
        today = datetime.date.today()
        year = f"?from={today.replace(day=1) - datetime.timedelta(days=365)}&to={today}"

        def health(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get("/health/")[:2]

        def case_list(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get("/cases/")[:2]

        def case_page(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get(f"/cases/{rng.choice(case_ids)}/")[:2]

        def triage_queue(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get("/referrals/triage/")[:2]

        def address_page(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get(f"/addresses/{rng.choice(address_ids)}/")[:2]

        def person_page(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get(f"/people/{rng.choice(person_ids)}/")[:2]

        def panel_agenda(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get(f"/panels/meetings/{rng.choice(meeting_ids)}/")[:2]

        def due(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get("/due/")[:2]

        def dashboard(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get("/dashboard/")[:2]

        def submit(c: Client, rng: random.Random) -> tuple[int, bytes]:
            body = json.loads(json.dumps(example))
            if addresses and isinstance(body.get("address"), dict):
                body["address"] = dict(rng.choice(addresses))
            body["signs_text"] = f"{body.get('signs_text', '')} (bench {uuid.uuid4().hex[:8]})"
            return c.request("POST", "/api/v1/referrals/", json.dumps(body).encode(), auth)[:2]

        def report(c: Client, rng: random.Random) -> tuple[int, bytes]:
            return c.get("/reports/partnership/" + year)[:2]

        def report_new_period(c: Client, rng: random.Random) -> tuple[int, bytes]:
            start = today - datetime.timedelta(days=rng.randint(90, 700))
            end = start + datetime.timedelta(days=89)
            return c.get(f"/reports/partnership/?from={start}&to={end}")[:2]

        def report_api(c: Client, rng: random.Random) -> tuple[int, bytes]:
            path = "/api/v1/reports/partnership/" + year
            return c.request("GET", path, None, analyst_auth)[:2]

        def new_period(path: str) -> Call:
            """`path` for a random 90-day period: mostly one nobody has asked for (uncached)."""

            def call(c: Client, rng: random.Random) -> tuple[int, bytes]:
                start = today - datetime.timedelta(days=rng.randint(90, 700))
                end = start + datetime.timedelta(days=89)
                return c.get(f"{path}?from={start}&to={end}")[:2]

            return call

        def default_view(path: str) -> Call:
            """`path` as a user opens it: its default period, kept prepared by the schedule."""

            def call(c: Client, rng: random.Random) -> tuple[int, bytes]:
                return c.get(path)[:2]

            return call

        report_names = (
            "project_evaluation",
            "county_lines_review",
            "missing_episodes",
            "equality_monitoring",
        )
        other_reports = [
            (f"{name.replace('_', ' ')} report", default_view(f"/reports/{name}/"))
            for name in report_names
        ] + [
            (f"{name.replace('_', ' ')} report, new period", new_period(f"/reports/{name}/"))
            for name in report_names
        ]

        plan: list[tuple[str, Call, tuple[int, ...], list[Client]]] = [
            ("/health/ (baseline)", health, (200,), clients),
            ("case list", case_list, (200,), clients),
            ("case page", case_page, (200,), clients),
            ("triage queue", triage_queue, (200,), clients),
            ("address page", address_page, (200,), clients),
            ("person page", person_page, (200,), clients),
            ("panel agenda", panel_agenda, (200,), chairs),
            ("due and overdue", due, (200,), clients),
            ("dashboard", dashboard, (200,), analysts),
            ("POST /api/v1/referrals/", submit, (201,), api_clients),
            ("partnership report", report, (200,), analysts),
            ("partnership report, new period", report_new_period, (200,), analysts),
            ("GET /api/v1/reports/partnership/", report_api, (200,), api_clients),
            ("dashboard, new period", new_period("/dashboard/"), (200,), analysts),
            *((name, call, (200,), analysts) for name, call in other_reports),
        ]
        if args.only:
            wanted = [part.strip() for part in args.only.split(",") if part.strip()]
            plan = [
                step
                for i, step in enumerate(plan)
                if i == 0 or any(part in step[0] for part in wanted)
            ]
        if not args.no_job_worker:
            warm_default_views(plan)
        if args.quiet:
            print("\nOne request at a time, no other client (ms, median of 5 after one warm-up):")
            for name, call, _ok, who in plan:
                rng = random.Random(7)
                call(who[0], rng)
                times = []
                for _ in range(5):
                    started = time.perf_counter()
                    status, _body = call(who[0], rng)
                    times.append((time.perf_counter() - started) * 1000)
                times.sort()
                print(f"  {name:<26}{times[2]:>9.1f}  (status {status})", flush=True)
            print()
        results: list[Result] = []
        for name, call, ok, who in plan:
            probe_status, _probe_body = call(who[0], random.Random(0))
            if probe_status == 404 or (probe_status == 405 and name.startswith("POST")):
                results.append(Result(name, skipped=f"answers {probe_status} (not built yet?)"))
                continue
            if name == "case page" and not case_ids:
                results.append(Result(name, skipped="no visible cases"))
                continue
            if PREPARING in _probe_body and "new period" not in name:
                wait_until_prepared(name, call, who[0])
            print(f"  {name} ...", flush=True)
            results.append(drive(name, who, args.seconds, call, ok))
        print()
        print(table(results))
        for r in results:
            if r.first_error:
                print(f"\nfirst error on {r.name}: {r.first_error}")
        print(
            "\nThroughput is requests a second across all clients; p50/p95 are per request. "
            "'x' columns compare with /health/ in this run. 'preparing': answers that said "
            "the figures are being counted; 'older': answers with the copy counted before the "
            "latest change (decision 0112)."
        )
    finally:
        stop_server(server)
        if worker is not None:
            stop_server(worker)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=160.0, help="seed_demo scale (160: ~100,000 cases)"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    # One thread: gunicorn's synchronous worker, as production serves (deploy/gunicorn.conf.py).
    # Threads of one process take turns at the GIL: 4 of them cost a case list request about
    # half as much CPU again as one (decision 0145).
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="serve a borough seeded before (--database-url, or the SQLite file of an earlier "
        "run at this scale), migrated to now",
    )
    parser.add_argument(
        "--keep-statistics",
        action="store_true",
        help="with --reuse, do not refresh the planner statistics (a run just before did; "
        "at scale 160 the refresh takes minutes)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="an EMPTY database, or with --reuse a seeded one (default: a fresh SQLite file "
        "under var/bench/)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="first time each endpoint alone, one at a time"
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated parts of endpoint names to drive (the /health/ baseline always "
        "runs), e.g. 'dashboard,report'",
    )
    parser.add_argument(
        "--layouts",
        default="",
        help="serve with each of these gunicorn layouts in turn, in the same run, e.g. "
        "'2x4,4x2,4x1:NESTGUARD_SESSION_RENEW_SECONDS=0' (workers x threads, then settings "
        "for that server's environment); default: --workers x --threads",
    )
    parser.add_argument(
        "--no-job-worker",
        action="store_true",
        help="do not run the job queue's worker beside gunicorn (report pages then stay "
        "'being prepared' for any period not counted before)",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.scale <= 0:
        parser.error("--clients, --seconds and --scale must be positive")

    try:
        layouts = parse_layouts(args.layouts, args.workers, args.threads)
    except ValueError as exc:
        parser.error(str(exc))
    database_url = prepare_database(
        args.scale, args.seed, args.database_url, args.reuse, not args.keep_statistics
    )
    targets = sample_targets()
    from django.db import connections

    connections.close_all()

    for layout in layouts:
        run_layout(args, database_url, targets, layout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
