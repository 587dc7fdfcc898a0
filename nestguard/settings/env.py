"""Readers for settings from the environment that fail loudly on bad values."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = BASE_DIR / "var" / "nestguard.sqlite3"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ImproperlyConfigured(f"{name} must be set")
    return value


def env_secret(name: str, *, min_length: int, refused: tuple[str, ...] = ()) -> str:
    """A secret that must be set, long enough, and not one of the published development keys."""
    value = env_str(name)
    if len(value) < min_length:
        raise ImproperlyConfigured(f"{name} must be at least {min_length} characters")
    if value in refused:
        raise ImproperlyConfigured(f"{name} must not be the published development key")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


_RATE_PERIODS = ("second", "minute", "hour", "day")


def env_rate(name: str, default: str) -> str:
    """A throttle rate as DRF reads it, `<count>/<period>` (e.g. 600/hour)."""
    value = os.environ.get(name, default).strip()
    count, _, period = value.partition("/")
    if not count.isdigit() or int(count) < 1 or period not in _RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name} must be <count>/<period> with a period of {', '.join(_RATE_PERIODS)}, "
            f"not {value!r}"
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_env(default_sqlite: Path = DEFAULT_SQLITE_PATH) -> dict[str, Any]:
    """The database from DATABASE_URL; an SQLite file under var/ when it is unset.

    Only SQLite and PostgreSQL are supported: every test runs on both, and nothing else.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        default_sqlite.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{default_sqlite}"
    # A web thread keeps its connection between requests for this many seconds (decision
    # 0145): opening one (SQLite's schema read and a cold page cache, or PostgreSQL's
    # connection start-up) cost every request several times /health/'s whole work. Health
    # checks test a kept connection before a request uses it, so a restarted database is
    # survived (decision 0087). 0 opens one per request, as before.
    kept_for = env_int("NESTGUARD_DB_CONN_MAX_AGE", 600)
    try:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=kept_for, conn_health_checks=True)
        )
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
            # at the start of a transaction so concurrent writers queue instead of failing.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif engine != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"DATABASE_URL names {engine or 'an unknown engine'}; use sqlite:/// or postgres://"
        )
    return config
