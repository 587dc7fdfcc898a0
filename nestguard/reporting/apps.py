import pkgutil
from importlib import import_module

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "nestguard.reporting"
    label = "reporting"

    def ready(self) -> None:
        from nestguard.reporting import (
            events,  # noqa: F401  (registers audit event types)
            reports,
            scopes,
        )

        scopes.register()
        # Every report module registers its report as it is imported.
        for module in pkgutil.iter_modules(reports.__path__):
            import_module(f"{reports.__name__}.{module.name}")
