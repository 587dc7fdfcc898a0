"""The browser harness: a real Nestguard server on its own fresh database, and Chromium.

pytest-django's live_server cannot serve these journeys: it empties tables between tests,
and the audit table's triggers refuse that by design. So a package-scoped fixture makes a
fresh database (an SQLite file in a temporary folder, or a new PostgreSQL database
`nestguard_e2e_<random>` when DATABASE_URL names PostgreSQL), migrates it, provisions the
partnership with the administrators' own commands, and runs `nestguard runserver` against it.

The browser is the distribution's Chromium driven by Playwright (never `playwright install`).
Without /usr/bin/chromium the journeys skip, unless NESTGUARD_REQUIRE_BROWSER=1 (CI), when a
missing browser fails the run instead.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.e2e.helpers import REPO, Account, CodeClock
from tests.migrated import Template

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "e2e journeys passphrase 2026"

HUB = "Northbrook Exploitation Hub"
POLICE = "Northbrook Police"
SCHOOL = "Northbrook Academy"
OUTSIDER_AGENCY = "Elsewhere Housing Association"
AGENCIES = [
    (HUB, "community_safety", True),
    (POLICE, "police", False),
    (SCHOOL, "school", False),
    (OUTSIDER_AGENCY, "housing_association", False),
]
# Fixed, synthetic base32 secrets: the provisioning command pre-enrols these authenticators.
CASEWORK = ("caseworker", "referrer")
ACCOUNTS = [
    Account("newcomer", PASSWORD, HUB, ("caseworker",), None),
    Account("hubworker", PASSWORD, HUB, CASEWORK, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"),
    Account("teacher", PASSWORD, SCHOOL, ("referrer",), "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"),
    Account("officer", PASSWORD, POLICE, CASEWORK, "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK"),
    Account("outsider", PASSWORD, OUTSIDER_AGENCY, CASEWORK, "ONSWG4TFORXXEZLTONSWG4TFORXXEZLT"),
]


def browser_required() -> bool:
    return os.environ.get("NESTGUARD_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            # In parallel (`--dist loadgroup`), every journey runs on one worker against one
            # server, instead of a server per worker.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing journey shows the end of the server's log (tracebacks of 500s land there)."""
    report = yield
    server = getattr(item, "funcargs", {}).get("e2e_server")
    if report.failed and isinstance(server, Server) and server.log and server.log.exists():
        tail = server.log.read_text(errors="replace").splitlines()[-80:]
        report.sections.append(("nestguard server log (last 80 lines)", "\n".join(tail)))
    return report


def _unavailable(reason: str) -> None:
    if browser_required():
        pytest.fail(f"NESTGUARD_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser journeys skipped: {reason} (install Debian's chromium to run them)")


def _nestguard_command() -> Path:
    venv = REPO / ".venv" / "bin" / "nestguard"
    for candidate in (venv, Path(sys.executable).with_name("nestguard")):
        if candidate.exists():
            return candidate
    raise RuntimeError("the nestguard command is not installed: run `make setup`")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Database:
    """A fresh database for the server, a copy of the pass's migrated template (decision 0132):
    made here, dropped at the end."""

    def __init__(self, tmp: Path, template: Template) -> None:
        outer = os.environ.get("DATABASE_URL", "").strip()
        self.postgres = outer.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urlsplit(outer)
            self.name = f"nestguard_e2e_{secrets.token_hex(4)}"
            self.server = {
                "host": parts.hostname or "127.0.0.1",
                "port": parts.port or 5432,
                "user": parts.username or "postgres",
                "password": parts.password,
            }
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        else:
            self.url = f"sqlite:///{tmp / 'e2e.sqlite3'}"
        template.copy_to(self.url)

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@dataclass
class Server:
    base_url: str
    database_url: str
    env: dict[str, str]
    accounts: dict[str, Account]
    agency_ids: dict[str, str] = field(default_factory=dict)
    log: Path | None = None
    # Printed once by createuser for accounts with no pre-enrolled authenticator.
    enrolment_codes: dict[str, str] = field(default_factory=dict)

    def nestguard(self, *args: str) -> str:
        """Run a nestguard command against the server's database and return its output."""
        return _run([str(_nestguard_command()), *args], self.env)

    def url(self, path: str) -> str:
        return self.base_url + path

    def add_account(self, account: Account, first_name: str, last_name: str) -> None:
        """Provision a journey's own account with the administrators' createuser command,
        once per server (its authenticator pre-enrolled with the account's secret)."""
        if account.username in self.accounts:
            return
        password_file = Path(self.env.get("TMPDIR", "/tmp")) / f"ng-{account.username}-password"
        password_file.write_text(account.password + "\n", encoding="utf-8")
        password_file.chmod(0o600)
        roles = [arg for role in account.roles for arg in ("--role", role)]
        self.nestguard(
            "createuser", "--username", account.username, "--agency", account.agency, *roles,
            "--password-file", str(password_file), "--first-name", first_name,
            "--last-name", last_name, "--totp-secret", str(account.totp_secret),
        )  # fmt: skip
        self.accounts[account.username] = account


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        pytest.fail(
            f"`{' '.join(command[1:])}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )
    return done.stdout.strip()


# Runs the administrators' commands one after another in one process (decision 0132): ten
# processes each paid Django's start-up (some 1.7 s of CPU) for a few milliseconds of work.
# Each command's output is what it would have printed.
_IN_ONE_PROCESS = """
import io, json, sys
from django.core.management import call_command
outputs = []
for args in json.loads(open({path!r}, encoding="utf-8").read()):
    out = io.StringIO()
    call_command(*args, stdout=out)
    outputs.append(out.getvalue())
print(json.dumps(outputs))
"""


def _provision(server: Server, tmp: Path) -> None:
    """The partnership and the journeys' accounts, by the administrators' commands, in the
    server's database (already migrated: a copy of the pass's template)."""
    password_file = tmp / "password.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    commands: list[list[str]] = [
        ["create_agency", "--name", name, "--type", kind, *(["--hub"] if hub else [])]
        for name, kind, hub in AGENCIES
    ]
    commands.append([
        "create_sharing_agreement",
        "--name", "Northbrook exploitation information sharing agreement",
        "--party", HUB, "--party", POLICE, "--party", SCHOOL,
        "--purposes", "Safeguarding people at risk of exploitation and disrupting exploiters",
        "--lawful-basis", "safeguarding_sch1_para18",
        "--starts", "2024-01-01",
        "--review", "2030-01-01",
    ])  # fmt: skip
    accounts = list(server.accounts.values())
    for account in accounts:
        args = ["createuser", "--username", account.username, "--agency", account.agency]
        for role in account.roles:
            args += ["--role", role]
        args += ["--password-file", str(password_file)]
        args += ["--first-name", account.username.capitalize(), "--last-name", "Tester"]
        if account.totp_secret:
            args += ["--totp-secret", account.totp_secret]
        commands.append(args)
    listed = tmp / "provision.json"
    listed.write_text(json.dumps(commands), encoding="utf-8")
    printed = server.nestguard("shell", "-c", _IN_ONE_PROCESS.format(path=str(listed)))
    outputs: list[str] = json.loads(printed.splitlines()[-1])
    for (name, _, _), output in zip(AGENCIES, outputs, strict=False):
        server.agency_ids[name] = output.strip()
    for account, output in zip(accounts, outputs[len(AGENCIES) + 1 :], strict=True):
        if not account.totp_secret:
            lines = output.strip().splitlines()
            server.enrolment_codes[account.username] = lines[-1].rsplit(" ", 1)[-1]


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text()
            pytest.fail(f"the server exited ({process.returncode}):\n{output}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/health/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"the server did not answer /health/ within 60s:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="package")
def e2e_server(
    tmp_path_factory: pytest.TempPathFactory, migrated_template: Template
) -> Iterator[Server]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    tmp = tmp_path_factory.mktemp("e2e")
    database = _Database(tmp, migrated_template)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nestguard.settings.test",
        "DATABASE_URL": database.url,
        "PYTHONUNBUFFERED": "1",
        "NESTGUARD_IMPORT_DIR": str(tmp / "imports"),  # uploads for import jobs (0088)
        "NESTGUARD_PERSON_INDEX_DIR": str(tmp / "person-index"),  # the shared index (0117)
    }
    port = _free_port()
    server = Server(
        base_url=f"http://127.0.0.1:{port}",
        database_url=database.url,
        env=env,
        accounts={a.username: a for a in ACCOUNTS},
        log=tmp / "server.log",
    )
    process: subprocess.Popen[bytes] | None = None
    try:
        _provision(server, tmp)
        with open(tmp / "server.log", "wb") as log:
            process = subprocess.Popen(
                [str(_nestguard_command()), "runserver", f"127.0.0.1:{port}", "--noreload"],
                env=env,
                cwd=REPO,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for_health(server.base_url, process, tmp / "server.log")
        yield server
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
        database.drop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="package")
def browser(e2e_server: Server) -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
            )
        except Error as exc:
            _unavailable(f"{CHROMIUM} would not start: {exc}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="package")
def codes() -> CodeClock:
    return CodeClock()


@pytest.fixture
def new_context(browser: Any, e2e_server: Server) -> Iterator[Callable[..., Any]]:
    """new_context() → a fresh browser context (its own cookies) on the journeys' server.

    By default it bypasses the Content Security Policy, only so that axe can be injected;
    new_context(bypass_csp=False) keeps the policy (see test_csp.py).
    """
    made: list[Any] = []
    server_errors: list[str] = []

    def watch(page: Any) -> None:
        def seen(response: Any) -> None:
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                page.ng_status = response.status  # read by helpers.assert_accessible
            # A 503 with Retry-After is an answer ("not yet, ask again then"), not a failure:
            # the person index's lookups give it while the server builds its index.
            deferred = response.status == 503 and "retry-after" in response.headers
            if response.status >= 500 and not deferred:
                server_errors.append(f"{response.status} {response.request.method} {response.url}")

        page.on("response", seen)

    def make(*, bypass_csp: bool = True) -> Any:
        context = browser.new_context(
            base_url=e2e_server.base_url, bypass_csp=bypass_csp, locale="en-GB"
        )
        context.set_default_timeout(20_000)
        context.on("page", watch)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    assert not server_errors, "the server failed:\n" + "\n".join(server_errors)
