"""Settings shared by every environment. Environment files override, never the reverse."""

from __future__ import annotations

import os
from pathlib import Path

from nestguard.settings.env import (
    BASE_DIR,
    database_from_env,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_rate,
)

SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105 (production.py replaces it)
DEBUG = False
ALLOWED_HOSTS = env_list("NESTGUARD_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "nestguard.core",
    "nestguard.accounts",
    "nestguard.access",
    "nestguard.audit",
    "nestguard.places",
    "nestguard.people",
    "nestguard.referrals",
    "nestguard.cases",
    "nestguard.risk",
    "nestguard.enforcement",
    "nestguard.linkage",
    "nestguard.panels",
    "nestguard.pathways",
    # A child's placements, education and transition to adult services (decision 0110):
    # before reporting, which adds its reporting scope to the door's policies.
    "nestguard.childhood",
    "nestguard.api",
    "nestguard.notifications",
    "nestguard.reporting",
    # Housing signals and the weekly prevention list (decision 0090).
    "nestguard.prevention",
    "nestguard.intelligence",  # partner intelligence, 3x5x2, sanitisation (decision 0097)
    # The partnership's glossary, in the application and on its pages (decision 0106).
    "nestguard.lexicon",
    "nestguard.directory",
    # Planned visits, warrants and operations told to partners first (decision 0107).
    "nestguard.deconfliction",
    "nestguard.channel",
    "nestguard.retention",
    # Data subjects' rights: subject access, rectification, restriction (decision 0102).
    "nestguard.rights",
    "nestguard.public",
    "nestguard.privacy",
    "nestguard.training",
    # POLE objects, the links between entities and the network view (decision 0098).
    "nestguard.network",
    # The job queue: django-tasks' database backend and the runs admins see (decision 80).
    "django_tasks",
    "django_tasks_db",
    "nestguard.jobs",
    # Backups, restores and restore drills (decision 0082).
    "nestguard.operations",
    # The synthetic borough (`seed_demo`); nothing in the product imports it.
    "nestguard.demo",
]

MIDDLEWARE = [
    # First, so every log line of a request carries its id (decision 0083).
    "nestguard.core.logs.RequestIdMiddleware",
    # Second, so a request counts as served from its start to its end (decision 0139).
    "nestguard.core.middleware.InFlightMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nestguard.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session's middleware, so that its renewal is marked before the session is
    # saved on the way out (decision 0124).
    "nestguard.accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "nestguard.accounts.middleware.ActiveAgencyMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "nestguard.accounts.middleware.SecondFactorRequiredMiddleware",
    "nestguard.access.middleware.AccessRuleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "nestguard.urls"
WSGI_APPLICATION = "nestguard.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nestguard" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nestguard.core.context_processors.service",
                "nestguard.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS: list = [BASE_DIR / "nestguard" / "static"]  # vendor assets and app.css/mjs
# Outside production WhiteNoise serves straight from the app folders; production collects
# the files into STATIC_ROOT first (see production.py).
WHITENOISE_USE_FINDERS = True

# Sessions: an idle session ends after NESTGUARD_IDLE_MINUTES. A request renews it, but at
# most once every NESTGUARD_SESSION_RENEW_SECONDS (SessionRenewalMiddleware): saving it on
# every request made each page a write, queued behind every other writer (decision 0124).
# A session so ends between that many seconds before and exactly the idle time after its
# last request, never later. 0 renews it on every request, as before.
SESSION_COOKIE_AGE = env_int("NESTGUARD_IDLE_MINUTES", 15, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = False
NESTGUARD_SESSION_RENEW_SECONDS = min(
    env_int("NESTGUARD_SESSION_RENEW_SECONDS", 60, minimum=0), SESSION_COOKIE_AGE // 4
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Sign-in: this many failures in a row lock the account for NESTGUARD_LOCKOUT_MINUTES.
NESTGUARD_LOCKOUT_THRESHOLD = env_int("NESTGUARD_LOCKOUT_THRESHOLD", 5, minimum=1)
NESTGUARD_LOCKOUT_MINUTES = env_int("NESTGUARD_LOCKOUT_MINUTES", 15, minimum=1)
OTP_TOTP_ISSUER = "Nestguard"

# The demo may skip the second factor, and only through this setting; a banner says so on
# every page and production settings refuse to start with it.
NESTGUARD_DEMO_SKIP_MFA = False
NESTGUARD_SERVICE_NAME = "Nestguard"

# The audit chain is keyed: each event's hash is an HMAC-SHA256 under this key, which lives
# in the environment and never in the database, so someone with only database access cannot
# rebuild the chain (docs/decisions/0076-keyed-audit-chain-and-anchors.md). This key is
# published and for development, tests and the demo only; production.py requires
# NESTGUARD_AUDIT_KEY and refuses this one.
NESTGUARD_AUDIT_DEVELOPMENT_KEY = "nestguard-development-audit-key-published-never-secret"
NESTGUARD_AUDIT_KEY = NESTGUARD_AUDIT_DEVELOPMENT_KEY
# Where `nestguard audit_anchor` writes the chain's latest position and hash: one new file
# per anchor, created exclusively and never rewritten. In production, a write-once mount.
NESTGUARD_AUDIT_ANCHOR_DIR = BASE_DIR / "var" / "audit-anchors"

# Enrolling an authenticator needs an administrator's single-use code, valid this long.
NESTGUARD_ENROLMENT_CODE_HOURS = env_int("NESTGUARD_ENROLMENT_CODE_HOURS", 72, minimum=1)
# API tokens expire; `create_api_token --days N` chooses, this is the default.
NESTGUARD_API_TOKEN_DAYS = env_int("NESTGUARD_API_TOKEN_DAYS", 90, minimum=1)
# Requests per token user (DRF throttling; over it, 429 with Retry-After).
NESTGUARD_API_RATE = env_rate("NESTGUARD_API_RATE", "600/hour")
# No list endpoint answers more rows than this in one page, whatever `limit` asks.
NESTGUARD_API_MAX_PAGE_SIZE = env_int("NESTGUARD_API_MAX_PAGE_SIZE", 200, minimum=1)
# The door's "one of the cases (people) the user may see" conditions compiled to SQL once a
# read request (decision 0141). Off only to compare with Django's own EXISTS (tests) or to
# rule the compiled form out when a read looks wrong.
NESTGUARD_COMPILE_DOOR_CONDITIONS = env_bool("NESTGUARD_COMPILE_DOOR_CONDITIONS", True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["nestguard.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "nestguard.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["nestguard.api.authentication.TokenUserRateThrottle"],
    "UNAUTHENTICATED_USER": None,
    # A service's ValidationError becomes a 400 with field errors (409 for a conflict).
    "EXCEPTION_HANDLER": "nestguard.api.base.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nestguard partner API",
    "DESCRIPTION": "Referrals, triage and cases for partner systems. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several serializers have a `status` field with a different set of choices: each set gets
    # its own name in the schema instead of a hashed one (tests/test_api_schema.py).
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "nestguard.cases.models.CaseStatus",
        "InterventionStatusEnum": "nestguard.cases.models.InterventionStatus",
        "ReferralStatusEnum": "nestguard.referrals.models.ReferralStatus",
        "MeetingStatusEnum": "nestguard.panels.models.MeetingStatus",
        "ActionStatusEnum": "nestguard.panels.models.ActionStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

NESTGUARD_SECURE_COOKIES = env_bool("NESTGUARD_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = NESTGUARD_SECURE_COOKIES
CSRF_COOKIE_SECURE = NESTGUARD_SECURE_COOKIES

# The address page's map (Leaflet). No tile source by default: the map shows the point on a
# plain background, and the page says the coordinates in words. A tile URL such as
# "https://tile.example.org/{z}/{x}/{y}.png" turns tiles on (its origin is added to that
# page's img-src); give the attribution its licence requires.
NESTGUARD_MAP_TILE_URL = os.environ.get("NESTGUARD_MAP_TILE_URL", "").strip()
NESTGUARD_MAP_ATTRIBUTION = os.environ.get("NESTGUARD_MAP_ATTRIBUTION", "").strip()

# The person index's real-time candidate index. "shared" (docs/decisions/0117): written to
# files once per model and record set by the job `linkage.build_person_index` (queued at the
# end of each linkage run, and by a web process that finds none) or `nestguard
# build_person_index`, and mapped read-only by every web process. "background": each web
# process builds its own in memory, in a thread (decision 0043; about 3 GB a process at a
# million records). "inline": built inside the request that first needs it (the tests, where
# determinism matters more than the wait). In the first two, lookups answer "not ready yet"
# until it is, and a new model's index replaces the old one only once ready.
NESTGUARD_CANDIDATE_INDEX_BUILD = env_choice(
    "NESTGUARD_CANDIDATE_INDEX_BUILD", "shared", ("shared", "background", "inline")
)
# How often an arrival re-counts the address register to learn whether the address index
# held is current (decision 0130): the latest change is read on every arrival (one index
# step), the count (every entry of an index, about 50 ms at 480,000 addresses) at most this
# often a process. Only a removal of a register address, which nothing in Nestguard does,
# changes the count alone. 0 counts on every arrival.
NESTGUARD_ADDRESS_RECOUNT_SECONDS = env_int("NESTGUARD_ADDRESS_RECOUNT_SECONDS", 60, minimum=0)
# Where the shared index's files are written (one directory per model and record set); on
# the machine of the web processes and the worker, or a file system they share.
NESTGUARD_PERSON_INDEX_DIR = os.environ.get("NESTGUARD_PERSON_INDEX_DIR", "").strip() or str(
    BASE_DIR / "var" / "person-index"
)
# How often a web process looks for a newer shared index (and, while none is written, for
# the first one).
NESTGUARD_PERSON_INDEX_CHECK_SECONDS = env_int(
    "NESTGUARD_PERSON_INDEX_CHECK_SECONDS", 10, minimum=1
)
# A web process holding more records than this beside its shared index (those that arrived
# since it was written) queues the job to write a new one.
NESTGUARD_PERSON_INDEX_REBUILD_AFTER = env_int(
    "NESTGUARD_PERSON_INDEX_REBUILD_AFTER", 20_000, minimum=0
)
# After a background build fails, lookups say "not available" for this many seconds before
# a request starts the build again.
NESTGUARD_CANDIDATE_INDEX_RETRY_SECONDS = env_int(
    "NESTGUARD_CANDIDATE_INDEX_RETRY_SECONDS", 60, minimum=0
)
# Records stamped and committed promptly are found at the next lookup; one committed long
# after it was stamped (beyond the catch-up window) is found by a full count against the
# index, made at most this often per process (a COUNT at a million records is too slow for
# every lookup).
NESTGUARD_CANDIDATE_INDEX_RECONCILE_SECONDS = env_int(
    "NESTGUARD_CANDIDATE_INDEX_RECONCILE_SECONDS", 30, minimum=0
)
# "Is this person already known?": at most this many new searches per user in any hour
# (pages and the API together), counted from the audit trail so that every process agrees.
# Past it, pages say when to try again and the API answers 429 with Retry-After
# (docs/decisions/0072-already-known-need-to-know.md).
NESTGUARD_KNOWN_LOOKUPS_PER_HOUR = env_int("NESTGUARD_KNOWN_LOOKUPS_PER_HOUR", 60, minimum=1)

# Aggregates (decision 0089): counts from 1 to NESTGUARD_SUPPRESS_BELOW - 1 are shown as [c],
# and no report or dashboard covers fewer than NESTGUARD_REPORT_MIN_DAYS days.
NESTGUARD_SUPPRESS_BELOW = env_int("NESTGUARD_SUPPRESS_BELOW", 5, minimum=2)
NESTGUARD_REPORT_MIN_DAYS = env_int("NESTGUARD_REPORT_MIN_DAYS", 28, minimum=1)
# A ward with fewer register addresses than this is not shown on its own in a ward table (it is
# counted in "Other wards") and a report may not be filtered by it.
NESTGUARD_REPORT_MIN_WARD_ADDRESSES = env_int("NESTGUARD_REPORT_MIN_WARD_ADDRESSES", 100, minimum=1)
# How the report pages and the dashboard get a period's counts nobody has prepared since the
# last change (decision 0112). "queue": the page answers at once ("being prepared", or the
# older copy with its time) and the job queue's worker counts them; the printable page, the
# files and the API wait for them. "inline": counted inside the request (the tests, and a
# development server run without the worker).
NESTGUARD_REPORTS_PREPARE = env_choice("NESTGUARD_REPORTS_PREPARE", "queue", ("queue", "inline"))
# How long a prepared copy that is no longer current (something counted changed since) may
# still be shown, with the time it was counted, while a newer one is prepared.
NESTGUARD_REPORTS_SHOW_OLDER_SECONDS = env_int(
    "NESTGUARD_REPORTS_SHOW_OLDER_SECONDS", 3600, minimum=0
)

# A page that finds nothing prepared counts the report in the request, with figures, when the
# report's latest builds of periods at least as long took at most this (milliseconds; 0:
# never), and answers "being prepared" otherwise (decision 0120).
NESTGUARD_REPORTS_INLINE_MS = env_int("NESTGUARD_REPORTS_INLINE_MS", 100, minimum=0)
# ... and only while the machine is not busy, judged at once (decisions 0135, 0139): under load
# a build in the request slows every request beside it, so the page answers "being prepared"
# and the worker, which yields the CPU to the web, counts it. Busy while this process serves
# another request; else, where the kernel reports CPU pressure (this file; a container's own
# cgroup has one too, e.g. /sys/fs/cgroup/cpu.pressure), when some task waited for a CPU in at
# least this percentage of the last 10 seconds; else when the 1-minute load average (which
# lags a minute) is at least NESTGUARD_REPORTS_INLINE_LOAD percent of the cores.
NESTGUARD_REPORTS_INLINE_PRESSURE = env_int("NESTGUARD_REPORTS_INLINE_PRESSURE", 10, minimum=0)
NESTGUARD_REPORTS_PRESSURE_FILE = (
    os.environ.get("NESTGUARD_REPORTS_PRESSURE_FILE") or "/proc/pressure/cpu"
)
NESTGUARD_REPORTS_INLINE_LOAD = env_int("NESTGUARD_REPORTS_INLINE_LOAD", 50, minimum=0)
# Whether report builds read the additive referral counts from the daily pre-aggregate (decision
# 0120; checked against the records' fingerprints before each read). Off: counted live.
NESTGUARD_REPORTS_DAILY = env_bool("NESTGUARD_REPORTS_DAILY", True)

# The job queue's worker lowers its CPU priority by this many steps of niceness when it starts
# (0 to 19; decision 0135), so that the web processes' requests are served before background
# work (the reports the pages queue, imports, linkage runs) on the same cores.
NESTGUARD_WORKER_NICE = env_int("NESTGUARD_WORKER_NICE", 10, minimum=0)

# Backups and restore drills (docs/decisions/0082-backup-and-restore.md). `nestguard backup`
# writes a new dated file here; `nestguard restore_drill` restores the newest. In production
# a folder on other storage than the database's, copied off the machine.
NESTGUARD_BACKUP_DIR = Path(
    os.environ.get("NESTGUARD_BACKUP_DIR", "").strip() or BASE_DIR / "var" / "backups"
)
# Where pg_dump and pg_restore are (empty: the PATH). Their major version must be at least
# the server's, e.g. /usr/lib/postgresql/15/bin.
NESTGUARD_PG_BIN_DIR = os.environ.get("NESTGUARD_PG_BIN_DIR", "").strip()
# Test-only: seconds to sleep between steps of a backup, so a test can kill one half-way.
# Read from the environment only by settings/test.py; 0 everywhere else.
NESTGUARD_BACKUP_TEST_PACE_SECONDS = 0.0

# Email notifications (issue 13 point 8, docs/decisions/0085-notifications.md). Sent through
# the SMTP server named here; with no NESTGUARD_EMAIL_HOST nothing is recorded or sent.
# NESTGUARD_BASE_URL is how recipients reach Nestguard: every email links back to it.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("NESTGUARD_EMAIL_HOST", "").strip()
EMAIL_PORT = env_int("NESTGUARD_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("NESTGUARD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("NESTGUARD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("NESTGUARD_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("NESTGUARD_EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("NESTGUARD_EMAIL_FROM", "nestguard@localhost").strip()
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NESTGUARD_EMAIL_ENABLED = bool(EMAIL_HOST)
NESTGUARD_BASE_URL = os.environ.get("NESTGUARD_BASE_URL", "http://127.0.0.1:8000").strip()
# The job queue (nestguard.jobs, docs/decisions/0080-job-queue.md): jobs are rows in the
# database, run by `nestguard worker`, which also enqueues the schedules of
# nestguard/jobs/data/schedules.json when they are due.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job's worker writes a heartbeat this often; a run whose heartbeat is older than
# the timeout is taken to have lost its worker (killed, machine gone) and is tried again.
NESTGUARD_JOBS_HEARTBEAT_SECONDS = env_int("NESTGUARD_JOBS_HEARTBEAT_SECONDS", 10, minimum=1)
NESTGUARD_JOBS_HEARTBEAT_TIMEOUT_SECONDS = env_int(
    "NESTGUARD_JOBS_HEARTBEAT_TIMEOUT_SECONDS", 120, minimum=2
)
# A failed attempt is tried again after this many seconds, doubled for each attempt since
# (30 s, 1 min, 2 min, ...), never more than the cap.
NESTGUARD_JOBS_RETRY_BASE_SECONDS = env_int("NESTGUARD_JOBS_RETRY_BASE_SECONDS", 30, minimum=0)
NESTGUARD_JOBS_RETRY_MAX_SECONDS = env_int("NESTGUARD_JOBS_RETRY_MAX_SECONDS", 3600, minimum=0)
# Modules of jobs beyond each app's `jobs.py` (the tests' own jobs).
NESTGUARD_JOB_MODULES: list[str] = []

# Imports run as jobs (decision 0088): uploaded files are stored here under names the system
# chooses, and the import jobs open only names inside this directory.
NESTGUARD_IMPORT_DIR = os.environ.get("NESTGUARD_IMPORT_DIR") or str(BASE_DIR / "var" / "imports")
