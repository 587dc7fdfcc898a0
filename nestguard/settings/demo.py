"""The demo of `make demo`: its own SQLite file, the second factor skipped with a banner."""

from nestguard.settings.base import *  # noqa: F403
from nestguard.settings.env import BASE_DIR, database_from_env

DEBUG = True
DATABASES = {"default": database_from_env(BASE_DIR / "var" / "demo.sqlite3")}
NESTGUARD_DEMO_SKIP_MFA = True
