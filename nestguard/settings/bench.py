"""The web benchmark (bench/web.py): production-like pages (DEBUG off) over its own database
from DATABASE_URL, with the second factor skipped so the benchmark can sign in over HTTP.

Never a production setting: production.py refuses the MFA skip, and seed_demo refuses
production settings.
"""

from nestguard.settings.base import *  # noqa: F403
from nestguard.settings.env import BASE_DIR, database_from_env

DEBUG = False
DATABASES = {"default": database_from_env(BASE_DIR / "var" / "bench" / "bench.sqlite3")}
NESTGUARD_DEMO_SKIP_MFA = True
