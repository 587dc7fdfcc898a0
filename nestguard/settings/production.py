"""Production: secrets from the environment, secure cookies, HSTS, never the demo shortcut."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from nestguard.core.logs import json_logging_config
from nestguard.settings.base import *  # noqa: F403
from nestguard.settings.base import NESTGUARD_AUDIT_DEVELOPMENT_KEY
from nestguard.settings.env import (
    BASE_DIR,
    env_bool,
    env_choice,
    env_list,
    env_secret,
    env_str,
)

DEBUG = False
SECRET_KEY = env_str("NESTGUARD_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("NESTGUARD_SECRET_KEY must be at least 50 characters")
NESTGUARD_AUDIT_KEY = env_secret(
    "NESTGUARD_AUDIT_KEY", min_length=32, refused=(NESTGUARD_AUDIT_DEVELOPMENT_KEY,)
)
NESTGUARD_AUDIT_ANCHOR_DIR = Path(env_str("NESTGUARD_AUDIT_ANCHOR_DIR"))
ALLOWED_HOSTS = env_list("NESTGUARD_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("NESTGUARD_ALLOWED_HOSTS must name the hosts that serve Nestguard")

if env_bool("NESTGUARD_DEMO_SKIP_MFA", False):
    raise ImproperlyConfigured("The demo setting that skips MFA is refused in production")
NESTGUARD_DEMO_SKIP_MFA = False

STATIC_ROOT = BASE_DIR / "var" / "static"
WHITENOISE_USE_FINDERS = False

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-nestguard-session"
CSRF_COOKIE_NAME = "__Host-nestguard-csrf"
SECURE_SSL_REDIRECT = env_bool("NESTGUARD_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Deployment (docs/decisions/0083-deployment.md, deploy/). The probes answer over plain HTTP
# on the machine itself, where the load balancer or the service manager asks gunicorn directly.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ready/$"]
# Ask browsers to preload HTTPS for the domain; NESTGUARD_HSTS_PRELOAD=false where the
# council's domain is not to be submitted to the preload list (check --deploy then warns).
SECURE_HSTS_PRELOAD = env_bool("NESTGUARD_HSTS_PRELOAD", True)
# Logs as JSON lines on stdout, one a record (nestguard/core/logs.py); the level by setting.
LOGGING = json_logging_config(
    level=env_choice("NESTGUARD_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    # Django logs each 4xx and 5xx; its own loggers go to stdout once, as one line each.
    loggers={"django": "INFO", "django.server": "WARNING"},
)
