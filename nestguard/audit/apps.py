from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "nestguard.audit"
    label = "audit"

    def ready(self) -> None:
        from nestguard.audit import (
            access_policy,
            events,  # noqa: F401  (the registry and its core types)
        )

        access_policy.register()
