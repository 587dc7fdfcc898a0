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
        # A save or delete of what reports count makes their cached copies out of date.
        from django.db.models.signals import post_delete, post_save

        from nestguard.reporting.reading import changed

        post_save.connect(changed, dispatch_uid="reporting.changed.save")
        post_delete.connect(changed, dispatch_uid="reporting.changed.delete")
        # Every report module registers its report as it is imported.
        for module in pkgutil.iter_modules(reports.__path__):
            import_module(f"{reports.__name__}.{module.name}")
