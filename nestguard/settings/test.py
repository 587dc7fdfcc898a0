"""The test suite: the second factor required, fast password hashing, DATABASE_URL honoured."""

from nestguard.settings.base import *  # noqa: F403
from nestguard.settings.env import BASE_DIR, database_from_env

DATABASES = {"default": database_from_env(BASE_DIR / "var" / "test.sqlite3")}
# Argon2 stays first in production; tests hash thousands of passwords, so MD5 is fine here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests that anchor the audit chain point this at a temporary folder of their own.
NESTGUARD_AUDIT_ANCHOR_DIR = BASE_DIR / "var" / "test-audit-anchors"
# The job queue's own tests declare jobs of their own (nestguard/jobs/tests/sample_jobs.py).
NESTGUARD_JOB_MODULES = ["nestguard.jobs.tests.sample_jobs"]
