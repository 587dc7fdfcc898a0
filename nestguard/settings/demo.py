"""The demo of `make demo`: its own SQLite file, the second factor skipped with a banner."""

from nestguard.settings.base import *  # noqa: F403
from nestguard.settings.env import BASE_DIR, database_from_env

DEBUG = True
DATABASES = {"default": database_from_env(BASE_DIR / "var" / "demo.sqlite3")}
NESTGUARD_DEMO_SKIP_MFA = True
# The demo database's own anchors: delete them with var/demo.sqlite3, or audit_verify will
# rightly say that the anchored events no longer exist.
NESTGUARD_AUDIT_ANCHOR_DIR = BASE_DIR / "var" / "demo-audit-anchors"
