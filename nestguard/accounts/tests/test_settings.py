"""Production settings refuse what would make them unsafe; env readers fail loudly."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from nestguard.settings.env import database_from_env, env_bool, env_int

GOOD_KEY = "k" * 60
AUDIT = {"NESTGUARD_AUDIT_KEY": "a" * 40, "NESTGUARD_AUDIT_ANCHOR_DIR": "/tmp/ng-anchors"}
SAFE = {"NESTGUARD_SECRET_KEY": GOOD_KEY, "NESTGUARD_ALLOWED_HOSTS": "x"}


def import_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:////tmp/ng-settings-test.sqlite3"}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import nestguard.settings.production as p; print(p.SESSION_COOKIE_SECURE)",
        ],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_starts_with_a_key_and_hosts_and_secure_cookies() -> None:
    result = import_production(
        {"NESTGUARD_SECRET_KEY": GOOD_KEY, "NESTGUARD_ALLOWED_HOSTS": "ng.example", **AUDIT}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NESTGUARD_ALLOWED_HOSTS": "ng.example"}, "NESTGUARD_SECRET_KEY must be set"),
        ({"NESTGUARD_SECRET_KEY": "short", "NESTGUARD_ALLOWED_HOSTS": "ng.example"}, "at least 50"),
        ({"NESTGUARD_SECRET_KEY": GOOD_KEY}, "NESTGUARD_ALLOWED_HOSTS"),
        (
            {
                "NESTGUARD_SECRET_KEY": GOOD_KEY,
                "NESTGUARD_ALLOWED_HOSTS": "x",
                "NESTGUARD_DEMO_SKIP_MFA": "1",
            },
            "refused in production",
        ),
        (
            SAFE | {"NESTGUARD_AUDIT_KEY": ""},
            "NESTGUARD_AUDIT_KEY must be set",
        ),
        (
            SAFE | {"NESTGUARD_AUDIT_KEY": "short"},
            "NESTGUARD_AUDIT_KEY must be at least 32",
        ),
        (
            SAFE
            | {"NESTGUARD_AUDIT_KEY": "nestguard-development-audit-key-published-never-secret"},
            "must not be the published development key",
        ),
        (
            SAFE | {"NESTGUARD_AUDIT_ANCHOR_DIR": ""},
            "NESTGUARD_AUDIT_ANCHOR_DIR must be set",
        ),
    ],
)
def test_production_refuses_unsafe_configuration(env: dict[str, str], message: str) -> None:
    result = import_production({**AUDIT, **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_env_readers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("X_INT", 1)
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(ImproperlyConfigured, match="sqlite"):
        database_from_env()
    monkeypatch.setenv("DATABASE_URL", "nonsense")
    with pytest.raises(ImproperlyConfigured):
        database_from_env()


def test_a_web_thread_keeps_its_database_connection_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Decision 0145: kept ten minutes by default and tested before a request reuses it; 0
    opens one per request. (tests/test_faults_postgres_restart.py shows it kept by gunicorn
    and a restarted database survived.)"""
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/ng-settings-test.sqlite3")
    monkeypatch.delenv("NESTGUARD_DB_CONN_MAX_AGE", raising=False)
    kept = database_from_env()
    assert (kept["CONN_MAX_AGE"], kept["CONN_HEALTH_CHECKS"]) == (600, True)
    monkeypatch.setenv("NESTGUARD_DB_CONN_MAX_AGE", "0")
    assert database_from_env()["CONN_MAX_AGE"] == 0
    monkeypatch.setenv("NESTGUARD_DB_CONN_MAX_AGE", "-5")
    with pytest.raises(ImproperlyConfigured, match="NESTGUARD_DB_CONN_MAX_AGE"):
        database_from_env()
