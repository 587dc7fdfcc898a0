from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "nestguard.risk"
    label = "risk"

    def ready(self) -> None:
        from nestguard.risk import (
            access_policy,
            events,  # noqa: F401  (registers audit event types)
        )

        access_policy.register()
