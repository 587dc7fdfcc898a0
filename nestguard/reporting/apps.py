"""The partnership picture: aggregates (counts, never names) read through the access door,
with small numbers suppressed before they leave the system (decision 0089)."""

import pkgutil
from importlib import import_module

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "nestguard.reporting"
    label = "reporting"

    def ready(self) -> None:
        from nestguard.reporting import (  # noqa: F401  (registrations)
            access_policy,
            events,  # audit event types
            reports,
            scopes,
        )

        scopes.register()
        access_policy.register()
        # Every report module registers its report as it is imported.
        for module in pkgutil.iter_modules(reports.__path__):
            import_module(f"{reports.__name__}.{module.name}")
