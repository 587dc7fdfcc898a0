"""gunicorn for Nestguard behind a reverse proxy (docs/how-to/deploy.md).

Started by deploy/systemd/nestguard-web.service as
    gunicorn --config /opt/nestguard/deploy/gunicorn.conf.py nestguard.wsgi
with the environment of /etc/nestguard/nestguard.env. Every value here can be changed by
an environment variable of the same meaning, so the file itself need not be edited.
"""

import multiprocessing
import os

from nestguard.core.logs import json_logging_config

# Only the reverse proxy on this machine talks to gunicorn: never bind to a public address.
bind = os.environ.get("NESTGUARD_BIND") or "127.0.0.1:8000"

# Synchronous workers: each serves one request at a time. (2 x cores) + 1 is gunicorn's
# starting point; on PostgreSQL each worker holds one database connection.
workers = int(
    os.environ.get("NESTGUARD_WEB_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 9)
)
worker_class = "sync"
# A request that has not answered in this many seconds is killed and logged. Long work
# (imports, linkage runs, backups) runs in the worker (`nestguard worker`), never a request.
timeout = int(os.environ.get("NESTGUARD_WEB_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# Restart each worker after this many requests (with jitter), bounding any slow leak.
max_requests = 2000
max_requests_jitter = 200
# Load the application in each worker after the fork, not in the master: nestguard.wsgi starts
# the person index's warm-up on a worker's first request (decision 0043), and each worker must
# open its own database connections.
preload_app = False

# The proxy sets X-Forwarded-For and X-Forwarded-Proto; trust them from the proxy only.
forwarded_allow_ips = os.environ.get("NESTGUARD_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
proxy_allow_ips = forwarded_allow_ips

# Logs: JSON lines on stdout (nestguard.core.logs), as the application's own. No access log
# here: the proxy keeps it, with the request id, and without query strings (which can hold
# a name or an address someone searched for).
accesslog = None
errorlog = "-"
loglevel = (os.environ.get("NESTGUARD_LOG_LEVEL") or "INFO").lower()
logconfig_dict = json_logging_config(
    level=loglevel.upper(),
    loggers={"gunicorn.error": loglevel.upper(), "gunicorn.access": None},
    root=False,
)

# Request limits, below the proxy's (client_max_body_size): headers and lines of sane size.
limit_request_line = 8190
limit_request_fields = 100
