"""The test suite: the second factor required, fast password hashing, DATABASE_URL honoured."""

import os
from pathlib import Path

from nestguard.settings.base import *  # noqa: F403
from nestguard.settings.env import BASE_DIR, database_from_env

DATABASES = {"default": database_from_env(BASE_DIR / "var" / "test.sqlite3")}
# Argon2 stays first in production; tests hash thousands of passwords, so MD5 is fine here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests that anchor the audit chain point this at a temporary folder of their own.
NESTGUARD_AUDIT_ANCHOR_DIR = BASE_DIR / "var" / "test-audit-anchors"
# The suite runs in parallel (pytest-xdist, decision 0086): each worker keeps its own files.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER:
    NESTGUARD_AUDIT_ANCHOR_DIR = BASE_DIR / "var" / f"test-audit-anchors-{_WORKER}"

# ... and tests that run nestguard commands as processes give them one through the environment.
if os.environ.get("NESTGUARD_AUDIT_ANCHOR_DIR"):
    NESTGUARD_AUDIT_ANCHOR_DIR = Path(os.environ["NESTGUARD_AUDIT_ANCHOR_DIR"])

# A backup sleeps this long between steps, so the test that kills one half-way can (never set
# outside the tests; decision 0082).
NESTGUARD_BACKUP_TEST_PACE_SECONDS = float(
    os.environ.get("NESTGUARD_BACKUP_TEST_PACE_SECONDS", "0")
)

# The job queue's own tests declare jobs of their own (nestguard/jobs/tests/sample_jobs.py).
NESTGUARD_JOB_MODULES = ["nestguard.jobs.tests.sample_jobs"]

# Report pages count what is not prepared inside the request, so a test sees its figures at
# once; the tests of the queued path switch to "queue" themselves (decision 0112).
NESTGUARD_REPORTS_PREPARE = "inline"

# A test database is thrown away: on PostgreSQL a commit need not wait for the disk
# (synchronous_commit off loses at most the last moments of a crash, never consistency), which
# takes the fsync waits out of the migrations each worker runs and out of the tests that commit.
# And no JIT compilation (decision 0143): a test that loads rows and runs ANALYZE leaves the
# planner's row counts of the loaded data behind after its rollback (ANALYZE writes them in
# place), so later tests on that worker were planned as if on thousands of rows and compiled
# their small queries with LLVM, hundreds of milliseconds each: the same 70 tests took 382 s
# instead of 20 s. The plans and the answers are the same either way; only the compiling goes.
TEST_POSTGRES_OPTIONS = "-c synchronous_commit=off -c jit=off"
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
    _OPTIONS["options"] = f"{_OPTIONS.get('options', '')} {TEST_POSTGRES_OPTIONS}".strip()

# A security code's time step is not learnt as the device's clock drift (django-otp's default
# learns it). The tests' codes come from the machine's own clock, which has no drift to learn,
# and learning it raced the step's boundary: a code of the next step accepted (drift +1), then
# a code made at 29.9 s of a step and checked at 30.0 s fell a step outside the learnt window
# and was refused, and a browser journey's sign-in failed (CI, 2026-12-06). Unlearnt, the
# window stays one step either side of the server's clock, which holds every code made in the
# last 30 s (nestguard/accounts/tests/test_sign_in.py). Production keeps django-otp's default.
OTP_TOTP_SYNC = False
