from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "nestguard.intelligence"
    label = "intelligence"

    def ready(self) -> None:
        from nestguard.intelligence import (  # noqa: F401  (registrations)
            access_policy,
            clocks,  # the grading clock
            events,  # audit event types
        )

        access_policy.register()
