from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from nestguard.access.rules import PUBLIC, SIGNED_IN, access_rule


@access_rule(SIGNED_IN)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@access_rule(PUBLIC)
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database can be reached."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Once this process has seen every migration applied it stops asking (loading the migration
# graph on every probe is wasteful); a process started before `migrate` asks until it is.
_migrations_seen_applied = False

# A key shorter than this is not one production settings would accept (decision 0076).
_AUDIT_KEY_MIN_LENGTH = 32


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _migrations_applied() -> bool:
    global _migrations_seen_applied
    if not _migrations_seen_applied:
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError:
            return False
        _migrations_seen_applied = not plan
    return _migrations_seen_applied


def _audit_key_configured() -> bool:
    return len(str(getattr(settings, "NESTGUARD_AUDIT_KEY", "") or "")) >= _AUDIT_KEY_MIN_LENGTH


@access_rule(PUBLIC)
def ready(request: HttpRequest) -> JsonResponse:
    """For the load balancer and the deployment: may this process take traffic? The database
    answers, every migration is applied, the audit chain's key is set. 503 names the checks
    that failed, and nothing more (no versions, hosts or errors: the page is public)."""
    checks = {"database": _database_reachable()}
    checks["migrations"] = checks["database"] and _migrations_applied()
    checks["audit_key"] = _audit_key_configured()
    passed = all(checks.values())
    return JsonResponse(
        {
            "status": "ready" if passed else "not ready",
            "checks": {name: "ok" if passed else "failed" for name, passed in checks.items()},
        },
        status=200 if passed else 503,
    )


@access_rule(PUBLIC)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")
