"""Production, written down and tested (issue 13 point 9; docs/decisions/0083-deployment.md).

- `nestguard check --deploy` is clean with production settings and the environment that
  deploy/nestguard.env.example documents (its empty secrets filled in);
- every environment variable the settings and the gunicorn config read is documented there;
- gunicorn accepts deploy/gunicorn.conf.py and loads the application with it;
- production logs are JSON lines on stdout, one a record, with the request's id;
- /ready/ answers 200 when the database answers, the migrations are applied and the audit
  key is set, and 503 naming the check that failed, with nothing else in the body.
"""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from nestguard.core import views as core_views
from nestguard.core.logs import JsonLinesFormatter

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
ENV_EXAMPLE = DEPLOY / "nestguard.env.example"


def example_environment(tmp_path: Path) -> dict[str, str]:
    """The example's variables as systemd reads them, the empty secrets filled in, and the
    folders pointed at a temporary one."""
    env: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    env["NESTGUARD_SECRET_KEY"] = secrets.token_urlsafe(64)
    env["NESTGUARD_AUDIT_KEY"] = secrets.token_urlsafe(48)
    env["NESTGUARD_AUDIT_ANCHOR_DIR"] = str(tmp_path / "anchors")
    env["NESTGUARD_BACKUP_DIR"] = str(tmp_path / "backups")
    # The checks need no database; the example's socket may not exist on this machine.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}"
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env}


def nestguard(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nestguard.manage", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_example_environment_sets_production() -> None:
    assert "DJANGO_SETTINGS_MODULE=nestguard.settings.production" in ENV_EXAMPLE.read_text()


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = example_environment(tmp_path)

    done = nestguard("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNINGS" not in done.stdout + done.stderr


def test_check_deploy_would_say_so_with_a_weaker_setting(tmp_path: Path) -> None:
    """The test above can fail: turning HTTPS redirection off is reported."""
    env = {**example_environment(tmp_path), "NESTGUARD_SSL_REDIRECT": "false"}

    done = nestguard("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert done.returncode != 0
    assert "security.W008" in done.stderr


# Names read from the environment by the settings and gunicorn's config.
_READ = re.compile(
    r"""(?:env_[a-z]+\(\s*|environ(?:\.get)?\(\s*|environ\[)["']([A-Z][A-Z0-9_]+)["']"""
)
# Read only where production never looks: the test suite's own settings.
_NOT_FOR_PRODUCTION = {"NESTGUARD_BACKUP_TEST_PACE_SECONDS", "PYTEST_XDIST_WORKER"}


def test_every_environment_variable_is_documented() -> None:
    sources = [*(REPO / "nestguard" / "settings").glob("*.py"), DEPLOY / "gunicorn.conf.py"]
    read = {name for path in sources for name in _READ.findall(path.read_text())}
    assert {"NESTGUARD_SECRET_KEY", "DATABASE_URL", "NESTGUARD_BIND"} <= read
    documented = ENV_EXAMPLE.read_text()
    missing = sorted(
        n for n in read - _NOT_FOR_PRODUCTION if not re.search(rf"\b{n}\b", documented)
    )
    assert not missing, f"not documented in {ENV_EXAMPLE.name}: {missing}"


def test_gunicorn_accepts_the_config_and_loads_the_application(tmp_path: Path) -> None:
    env = example_environment(tmp_path)
    gunicorn = Path(sys.executable).with_name("gunicorn")

    done = subprocess.run(
        [str(gunicorn), "--check-config", "--config", str(DEPLOY / "gunicorn.conf.py"),
         "nestguard.wsgi"],
        env={**env, "PYTHONPATH": str(REPO)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr


def test_production_logs_are_json_lines_on_stdout(tmp_path: Path) -> None:
    env = example_environment(tmp_path)
    code = (
        "import logging\n"
        "logging.getLogger('nestguard.deploy_test').warning('backup written to %s', 'x.pgdump')\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    logging.getLogger('nestguard.deploy_test').exception('it failed')\n"
    )

    done = nestguard("shell", "--no-imports", "-c", code, env=env)

    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["level"], r["logger"], r["message"]) for r in lines] == [
        ("WARNING", "nestguard.deploy_test", "backup written to x.pgdump"),
        ("ERROR", "nestguard.deploy_test", "it failed"),
    ]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", lines[0]["time"])
    assert "ZeroDivisionError" in lines[1]["exception"]
    assert "request_id" not in lines[0], "outside a request there is no request id"


@pytest.fixture
def log_lines() -> io.StringIO:
    """What django.request logs during the test, through the production formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLinesFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_logs_with_its_id(client_for, log_lines: io.StringIO) -> None:  # type: ignore[no-untyped-def]
    client = client_for("owner")

    response = client.get("/no-such-page/", headers={"X-Request-ID": "3f2a9c0e5b7d41a6"})

    assert response.status_code == 404
    assert response["X-Request-ID"] == "3f2a9c0e5b7d41a6"
    line = json.loads(log_lines.getvalue().splitlines()[-1])
    assert line["request_id"] == "3f2a9c0e5b7d41a6"
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"
    assert line["message"] == "Not Found: /no-such-page/"


@pytest.mark.django_db
def test_an_unsafe_request_id_is_replaced(client_for, log_lines: io.StringIO) -> None:  # type: ignore[no-untyped-def]
    response = client_for("owner").get(
        "/no-such-page/", headers={"X-Request-ID": 'x" injected\\n{"level": "INFO"}'}
    )

    given = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", given)
    assert json.loads(log_lines.getvalue().splitlines()[-1])["request_id"] == given


# /ready/ ----------------------------------------------------------------------------------


@pytest.fixture
def ready_asks_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would, before it has seen the migrations applied."""
    monkeypatch.setattr(core_views, "_migrations_seen_applied", False)


@pytest.mark.django_db
@pytest.mark.usefixtures("ready_asks_again")
def test_ready_when_everything_is(client: Client) -> None:
    response = client.get("/ready/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "audit_key": "ok"},
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("ready_asks_again")
def test_not_ready_before_the_migrations(client: Client) -> None:
    MigrationRecorder(connection).migration_qs.filter(app="operations").delete()

    response = client.get("/ready/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "checks": {"database": "ok", "migrations": "failed", "audit_key": "ok"},
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("ready_asks_again")
def test_not_ready_without_the_audit_key(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_AUDIT_KEY = ""

    response = client.get("/ready/")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "audit_key": "failed",
    }
    assert "NESTGUARD" not in response.content.decode()
